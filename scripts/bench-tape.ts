// Tape overhead: 250 steps of x = tanh(x * w + b) on scalars, forward and
// backward; prints µs per recorded forward op (3 per step).
import * as ag from '../src/index';

const w = ag.Param(0.9, { dtype: 'float32' });
const b = ag.Param(0.1, { dtype: 'float32' });
const x0 = ag.tensor(0.5);
function once(): number {
  return ag.tidy(() => {
    const tape = ag.diff(() => {
      let x = x0;
      for (let i = 0; i < 250; i++) x = ag.tanh(ag.add(ag.mul(x, w), b));
      return x;
    });
    ag.grad(tape, w);
    const v = tape.value;
    tape.dispose();
    return v;
  });
}
for (let i = 0; i < 200; i++) once();
const times: number[] = [];
for (let r = 0; r < 15; r++) {
  // CPU time, not wall time: the machine may be shared.
  const t = process.cpuUsage();
  for (let i = 0; i < 20; i++) once();
  const used = process.cpuUsage(t);
  times.push((used.user + used.system) / 1000 / 20);
}
times.sort((a, c) => a - c);
const ms = times[7];
console.log(`fwd+bwd ${ms.toFixed(3)} ms per chain; ${((ms * 1000) / 750).toFixed(2)} µs per forward op`);
