// A short tour of autograd-wasm: the three examples of AutoGrad.jl's README,
// then what nesting gives you. Run with `npm start`.
import * as ag from 'autograd-wasm';

await ag.ready; // already resolved in Node; needed once in browsers

console.log('1. The interface: Params, diff, grad');
const x = ag.Param([1, 2, 3]);
console.log('   sum(abs2, x) outside diff =', ag.sum(ag.abs2, x).item());
const y = ag.diff(() => ag.sum(ag.abs2, x));
console.log('   value(y) =', ag.value(y), '  grad(y, x) =', ag.grad(y, x)!.toArray());
console.log(y.toString().replace(/^/gm, '     '));
y.dispose();

console.log('\n2. The old interface: grad(f)(x)');
const f = (v: ag.Tensor) => ag.sum(ag.abs2, v);
console.log('   grad(f)([1, 2, 3]) =', ag.grad(f)(ag.tensor([1, 2, 3])).toArray());

console.log('\n3. Linear regression with a callable model, params() and axpy()');
ag.seed(0);
class Linear {
  w = ag.Param(ag.randn([10, 100]).mul(0.1));
  b = ag.Param(ag.zeros([10, 1]));
  call(input: ag.Tensor) {
    return this.w.matmul(input).add(this.b);
  }
}
const truth = ag.randn([10, 100]).mul(0.1);
const model = new Linear();
for (let step = 0; step <= 400; step++) {
  ag.tidy(() => {
    const input = ag.randn([100, 64]);
    const target = truth.matmul(input);
    const loss = ag.diff(() => ag.mean(ag.abs2, model.call(input).sub(target)));
    for (const w of ag.params(model)) ag.axpy(-0.1, ag.grad(loss, w)!, w);
    if (step % 100 === 0) console.log(`   step ${String(step).padStart(3)}  loss ${loss.value.toExponential(3)}`);
  });
}

console.log('\n4. Gradients of gradients');
const cube = (t: ag.Tensor | number) => ag.mul(ag.mul(t, t), t);
console.log('   d/dx x^3 at 2 =', ag.grad(cube)(2), '  d2 =', ag.grad(ag.grad(cube))(2), '  d3 =', ag.grad(ag.grad(ag.grad(cube)))(2));
const confusion = ag.grad((u: ag.Tensor) => ag.mul(u, ag.grad((v: ag.Tensor) => ag.add(u, v))(u)))(1);
console.log('   d/dx [x * d/dy (x + y)] at 1 =', confusion, '(no perturbation confusion; AutoGrad.jl says 2)');

const m = ag.memory();
console.log(`\nmemory: ${m.liveTensors} live tensors, ${m.bytesInUse} bytes in use, peak ${m.peakBytes}, wasm ${m.wasmBytes} bytes`);
