import { opSuite } from './harness';
import { cases } from './basic.table';

opSuite('basic', cases);
