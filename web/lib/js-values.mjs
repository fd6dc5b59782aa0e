// Reading a caller's arguments before anything enters wasm: each property is read exactly once (so a getter or
// a Proxy trap runs here, before any memory is allocated, or not at all), checked for its JS type and kind, and
// kept as a plain value. Typed arrays are checked and measured with the engine's own intrinsics, which run no
// caller code, so a Proxy or an overridden `length` cannot pass for an array. What a value must be beyond its
// type (sizes, lengths against sizes, NaN and infinity) is the core's to check (cpp/src/validate.cpp).

const TypedArray = Object.getPrototypeOf(Int8Array.prototype);
const intrinsic = (prototype, key) => Object.getOwnPropertyDescriptor(prototype, key).get;
const typedArrayTag = intrinsic(TypedArray, Symbol.toStringTag);
const typedArrayLength = intrinsic(TypedArray, 'length');
const typedArrayBuffer = intrinsic(TypedArray, 'buffer');
const arrayBufferLength = intrinsic(ArrayBuffer.prototype, 'byteLength');
const arrayBufferDetached = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'detached')?.get;

// 'Float32Array' for a genuine Float32Array (or subclass), undefined for anything else: no caller code runs.
export const typedArrayKind = (value) => typedArrayTag.call(value);
export const elementCount = (array) => typedArrayLength.call(array);

function isArrayBuffer(value) {
  try {
    arrayBufferLength.call(value);
    return true;
  } catch {
    return false;
  }
}

const withArticle = (name) => `${/^[AEIO]/.test(name) ? 'an' : 'a'} ${name}`;

// How a bad value shows in a message: 'undefined', '2.5', 'a string', 'an Array', 'a Float64Array'.
export function describe(value) {
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'object') return `a ${typeof value}`;
  let name = typedArrayKind(value) ?? (Array.isArray(value) ? 'Array' : undefined);
  if (!name) {
    try {
      name = Object.getPrototypeOf(value)?.constructor?.name;
    } catch {
      // a Proxy whose trap throws: say no more than that it is an object
    }
  }
  return typeof name === 'string' && name ? withArticle(name) : 'an object';
}

// The named properties of an object of arguments, each read once. `value` absent: {} when `optional`.
export function snapshot(value, name, keys, { optional = false } = {}) {
  if (optional && (value === undefined || value === null)) return {};
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`${name}: expected an object of named arguments, got ${describe(value)}`);
  }
  const plain = {};
  for (const key of keys) plain[key] = value[key];
  return plain;
}

// A genuine typed array of `kind` ('Float32Array', 'Uint8Array'), or null when optional and absent.
export function typedArray(value, name, kind, { optional = false } = {}) {
  if (optional && (value === undefined || value === null)) return null;
  if (typedArrayKind(value) !== kind) {
    const wrapped = typedArrayKind(value) === undefined && typeof value === 'object' && value !== null && value instanceof globalThis[kind];
    throw new TypeError(`${name}: expected ${withArticle(kind)}${optional ? ' or null' : ''}, got ${wrapped
      ? `an object that only looks like one (a Proxy?); pass the ${kind} itself` : describe(value)}`);
  }
  if (elementCount(value) === 0) {
    // A detached array (its buffer transferred to another thread) has no elements either.
    if (arrayBufferDetached?.call(typedArrayBuffer.call(value))) throw new TypeError(`${name}: its ArrayBuffer is detached (transferred to another thread?)`);
    if (optional) throw new RangeError(`${name}: got an empty ${kind}; pass null or leave it out for none`);
  }
  return value;
}

// Bytes: a genuine Uint8Array, or an ArrayBuffer (viewed, not copied).
export function bytes(value, name, what) {
  if (typedArrayKind(value) === 'Uint8Array') return value;
  if (isArrayBuffer(value)) return new Uint8Array(value);
  throw new TypeError(`${name}: expected ${what}, got ${describe(value)}`);
}

// A size such as n or dModel, as a whole number (its range is the core's to check); `fallback` when undefined.
export function size(value, name, fallback) {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number') throw new TypeError(`${name}: expected a positive integer, got ${describe(value)}`);
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name}: expected a positive integer, got ${describe(value)}`);
  return value;
}

// true or false; `fallback` when undefined or null.
export function flag(value, name, fallback) {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`${name}: expected true or false, got ${describe(value)}`);
  return value;
}

// A number (any: the core checks its range), or undefined when absent.
export function number(value, name, expected) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw new TypeError(`${name}: expected ${expected}, got ${describe(value)}`);
  return value;
}

// An Array of [a, b] pairs of whole numbers (such as [layer, head]) as one flat list, each element read once;
// [] when absent. Ranges and duplicates are the core's to check.
export function pairs(value, name, what) {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new TypeError(`${name}: expected an Array of ${what} pairs, got ${describe(value)}`);
  const flat = [];
  const count = value.length;
  for (let i = 0; i < count; i++) {
    const pair = value[i];
    if (!Array.isArray(pair)) throw new TypeError(`${name}[${i}]: expected a ${what} pair such as [0, 1], got ${describe(pair)}`);
    const length = pair.length;
    if (length !== 2) throw new RangeError(`${name}[${i}]: expected a ${what} pair of 2 numbers, got ${length}`);
    flat.push(size(pair[0], `${name}[${i}][0]`), size(pair[1], `${name}[${i}][1]`));
  }
  return flat;
}

export function text(value, name = 'text') {
  if (typeof value !== 'string') throw new TypeError(`${name}: expected a string, got ${describe(value)}`);
  return value;
}

export function callback(value, name) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'function') throw new TypeError(`${name}: expected a function, got ${describe(value)}`);
  return value;
}

const signalAborted = typeof AbortSignal === 'function' ? intrinsic(AbortSignal.prototype, 'aborted') : null;

// A genuine AbortSignal (its `aborted` read with the engine's own getter), or null when absent.
export function abortSignal(value, name) {
  if (value === undefined || value === null) return null;
  try {
    signalAborted.call(value);
    return value;
  } catch {
    throw new TypeError(`${name}: expected an AbortSignal (AbortController's signal), got ${describe(value)}`);
  }
}
