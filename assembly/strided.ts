// Shared helpers for kernels.

// The front end collapses shapes before calling, so kernels rarely see more
// than a few dimensions; this bounds the static multi-index scratch.
export const STRIDED_MAX_RANK: i32 = 32;

// Horizontal sum of the lanes of a f32x4 or f64x2 vector.
@inline export function laneSum<T>(v: v128): f64 {
  if (sizeof<T>() == 4) {
    return <f64>v128.extract_lane<f32>(v, 0) + <f64>v128.extract_lane<f32>(v, 1)
      + <f64>v128.extract_lane<f32>(v, 2) + <f64>v128.extract_lane<f32>(v, 3);
  }
  return v128.extract_lane<f64>(v, 0) + v128.extract_lane<f64>(v, 1);
}
