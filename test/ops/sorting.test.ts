import { opSuite } from './harness';
import { cases } from './sorting.table';

opSuite('sorting', cases);
