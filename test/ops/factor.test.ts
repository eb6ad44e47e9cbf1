import { opSuite } from './harness';
import { cases } from './factor.table';

opSuite('factor', cases);
