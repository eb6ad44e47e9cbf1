import { opSuite } from './harness';
import { cases } from './random.table';

opSuite('random', cases);
