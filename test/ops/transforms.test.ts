import { opSuite } from './harness';
import { cases } from './transforms.table';

opSuite('transforms', cases);
