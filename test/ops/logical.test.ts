import { opSuite } from './harness';
import { cases } from './logical.table';

opSuite('logical', cases);
