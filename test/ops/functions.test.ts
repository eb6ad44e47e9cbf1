import { opSuite } from './harness';
import { cases } from './functions.table';

opSuite('functions', cases);
