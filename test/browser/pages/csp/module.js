import * as ag from '../../../../dist/autograd.mjs';

observe(ag).then((outcome) => (globalThis.result = outcome));
