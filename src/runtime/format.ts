// How a tensor prints, numpy/PyTorch style: its values, then dtype and
// shape. `t.toString()` everywhere; `console.log(t)` in Node through
// util.inspect.custom (which also colours the numbers when the console
// does). Browsers' consoles show objects their own way: print
// `String(t)` there.
//
//   Tensor([[1.0, 2.5, 3.0],
//           [4.0, 5.0, 6.0]], dtype=float32, shape=[2, 3])
//   Tensor([ true, false], dtype=bool, shape=[2])

import type { Tensor, TensorArray } from './tensor';

/** Above this many elements only the first and last EDGE entries of each axis are shown (numpy's defaults). */
const THRESHOLD = 1000;
const EDGE = 3;
/** Rows of the last axis wrap at this many characters. */
const WIDTH = 80;

type Style = (text: string) => string;
const plain: Style = (text) => text;

/** Indices shown along an axis of length n. */
function shown(n: number, summarize: boolean): number[] {
  if (!summarize || n <= 2 * EDGE) return Array.from({ length: n }, (_, i) => i);
  return [0, 1, 2, n - 3, n - 2, n - 1];
}

/**
 * One formatter for every shown value, so columns line up: integers as
 * integers; otherwise fixed point with as many decimals (at most 4) as the
 * values need, or scientific notation when a magnitude is 1e8 or more, or
 * below 1e-4 (where 4 decimals would show nothing).
 */
function numberFormat(values: number[]): (v: number) => string {
  const finite = values.filter(Number.isFinite);
  const special = (v: number) => (Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity');
  if (finite.every((v) => Number.isInteger(v) && Math.abs(v) < 1e16)) {
    return (v) => (Number.isFinite(v) ? String(v) : special(v));
  }
  const magnitudes = finite.map(Math.abs).filter((v) => v !== 0);
  const max = Math.max(...magnitudes);
  const min = Math.min(...magnitudes);
  if (max >= 1e8 || min < 1e-4) {
    return (v) => (Number.isFinite(v) ? v.toExponential(4) : special(v));
  }
  let decimals = 1;
  for (const v of finite) {
    const text = v.toFixed(4).replace(/0+$/, '');
    decimals = Math.max(decimals, text.length - text.indexOf('.') - 1);
  }
  return (v) => (Number.isFinite(v) ? v.toFixed(decimals) : special(v));
}

/** Booleans print as numpy's True and False would in JavaScript: true, false. */
const booleanFormat = (v: number): string => (v !== 0 ? 'true' : 'false');

/** The values as nested brackets, starting at column `indent` (the first line is already placed). */
function layout(t: Tensor, data: TensorArray, style: Style): string {
  const shape = t.shape;
  const summarize = t.size > THRESHOLD;
  const axes = shape.map((n) => shown(n, summarize));
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));

  // Every shown value, to fix one format and width.
  const picked: number[] = [];
  const collect = (axis: number, offset: number): void => {
    if (axis === shape.length) {
      picked.push(data[offset]);
      return;
    }
    for (const i of axes[axis]) collect(axis + 1, offset + i * strides[axis]);
  };
  collect(0, 0);
  const format = t.dtype === 'bool' ? booleanFormat : numberFormat(picked);
  const width = Math.max(...picked.map((v) => format(v).length));
  const cell = (v: number) => style(format(v).padStart(width));

  const block = (axis: number, offset: number, indent: number): string => {
    const indices = axes[axis];
    const cut = indices.length < shape[axis] ? EDGE : -1;
    if (axis === shape.length - 1) {
      const items = indices.map((i) => cell(data[offset + i]));
      if (cut >= 0) items.splice(cut, 0, '...');
      // wrap long rows; visible lengths, not counting colour codes
      const lines: string[] = [];
      let line = '';
      let visible = 0;
      for (let k = 0; k < items.length; k++) {
        const text = items[k] + (k < items.length - 1 ? ',' : '');
        const length = (items[k] === '...' ? 3 : width) + (k < items.length - 1 ? 1 : 0);
        if (line !== '' && indent + 1 + visible + 1 + length > WIDTH) {
          lines.push(line);
          line = text;
          visible = length;
        } else {
          line = line === '' ? text : `${line} ${text}`;
          visible = visible === 0 ? length : visible + 1 + length;
        }
      }
      lines.push(line);
      return `[${lines.join(`\n${' '.repeat(indent + 1)}`)}]`;
    }
    const rows = indices.map((i) => block(axis + 1, offset + i * strides[axis], indent + 1));
    if (cut >= 0) rows.splice(cut, 0, '...');
    // one newline between rows of a matrix, a blank line between matrices, ...
    const separator = `,${'\n'.repeat(shape.length - axis - 1)}${' '.repeat(indent + 1)}`;
    return `[${rows.join(separator)}]`;
  };

  if (shape.length === 0) return cell(data[0]);
  return block(0, 0, t._param ? 6 : 7);
}

function describeTensor(t: Tensor, style: Style): string {
  const name = t._param ? 'Param' : 'Tensor';
  const tail = `dtype=${t.dtype}, shape=[${t.shape.join(', ')}]`;
  if (t.isDisposed) return `${name}(<disposed>, ${tail})`;
  if (t.size === 0) return `${name}([], ${tail})`;
  return `${name}(${layout(t, t.data(), style)}, ${tail})`;
}

/** The text of `t.toString()`. */
export function formatTensor(t: Tensor): string {
  return describeTensor(t, plain);
}

interface InspectOptions {
  colors?: boolean;
  stylize?: (text: string, styleType: string) => string;
}

/** Node's util.inspect.custom: the same text, numbers coloured when the console is. */
export function inspectTensor(this: Tensor, depth: number, options: InspectOptions | undefined): string {
  const name = this._param ? 'Param' : 'Tensor';
  // nested deeper than util.inspect's depth: a one-line summary, like Node's [Object]
  if (depth < 0) return `[${name} ${this.dtype} [${this.shape.join(', ')}]]`;
  const stylize = options?.colors === true ? options.stylize : undefined;
  return describeTensor(this, stylize === undefined ? plain : (text) => stylize(text, 'number'));
}
