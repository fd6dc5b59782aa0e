// The JS side of the core's numbers-only boundary (cpp/include/attn/flat_api.hpp): copying checked values into
// memory allocated for one call and released when it ends, however it ends, and reading a Result out (fields by
// name, as fresh arrays that stay valid after later calls and memory growth) before freeing it. Errors in a
// Result become thrown Errors. No caller code runs in here: arguments arrive already read (js-values.mjs).
import { elementCount, typedArrayKind } from './js-values.mjs';

const copyInto = Object.getPrototypeOf(Int8Array.prototype).set;  // the intrinsic: copies a genuine typed array without calling caller code
const ELEMENT_TYPES = { Float32Array, Uint8Array, Int32Array, Float64Array };

// The flat API's ErrorKind and FieldType, in its order.
const ERRORS = [null, RangeError, RangeError, Error];
const FIELD_TYPES = ['number', 'boolean', 'string', 'Float32Array', 'Int32Array', 'Uint8Array', 'Float64Array', 'strings'];

export function wasmBoundary(core) {
  // The wasm memory's current buffer: Emscripten replaces HEAPU8 whenever the memory grows; in the threaded
  // build another thread may grow it, and only the memory itself knows (its shared buffer, read each time).
  const memory = { get buffer() { return core.wasmMemory ? core.wasmMemory.buffer : core.HEAPU8.buffer; } };
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const bytesAt = (address, length) => new Uint8Array(memory.buffer, address, length);
  const utf8 = (address, length) => decoder.decode(bytesAt(address, length).slice());
  // A field's name: ASCII in practice, decoded without TextDecoder (which costs more than the rest of reading a
  // small result); anything else through it.
  const nameAt = (address, length) => {
    const bytes = bytesAt(address, length);
    let name = '';
    for (let i = 0; i < length; i++) {
      if (bytes[i] > 0x7f) return utf8(address, length);
      name += String.fromCharCode(bytes[i]);
    }
    return name;
  };

  function fieldValue(type, address, length) {
    if (type === 'number') return new Float64Array(memory.buffer, address, 1)[0];
    if (type === 'boolean') return bytesAt(address, 1)[0] !== 0;
    if (type === 'string') return utf8(address, length);
    if (type === 'strings') {
      const view = new DataView(memory.buffer, address, length);
      const count = view.getUint32(0, true), text = address + 4 + 4 * count;
      return Array.from({ length: count }, (_, k) => {
        const start = k === 0 ? 0 : view.getUint32(4 * k, true);
        return utf8(text + start, view.getUint32(4 + 4 * k, true) - start);
      });
    }
    const Type = ELEMENT_TYPES[type];
    return new Type(memory.buffer, address, length).slice();  // a copy: the Result is freed next
  }

  // A Result's fields as an object (dotted names nest: "config.layers"), or its error thrown; freed either way.
  // Its layout (flat_api.hpp) is one table, read with one call into wasm.
  function read(result, what) {
    if (!result) throw new RangeError(`${what}: out of memory: this browser's wasm memory is full`);
    try {
      const address = core.resultLayout(result);
      const count = new Float64Array(memory.buffer, address, 2)[1];
      const layout = new Float64Array(memory.buffer, address, 2 + 5 * count);
      const fields = {};
      for (let i = 0; i < count; i++) {
        const at = 2 + 5 * i;  // type, name address, name length, data address, length
        const name = nameAt(layout[at + 1], layout[at + 2]);
        const value = fieldValue(FIELD_TYPES[layout[at]], layout[at + 3], layout[at + 4]);
        if (!name.includes('.')) {
          fields[name] = value;
          continue;
        }
        const path = name.split('.');
        let into = fields;
        for (const key of path.slice(0, -1)) into = into[key] ??= {};
        into[path.at(-1)] = value;
      }
      const ErrorType = ERRORS[layout[0]];
      if (ErrorType) throw new ErrorType(fields.message);
      return fields;
    } finally {
      core.resultFree(result);
    }
  }

  // Runs body(scope) with memory for one call: scope.array(typedArray, name) and scope.text(string, name) copy
  // a value into memory allocated for it, scope.table(numbers) writes float64s; each gives [address, length]
  // ([0, 0] for null). Everything allocated is released when body returns or throws. One scope serves every
  // call (a small call is a few microseconds; closures made per call were a tenth of that): what a call
  // allocated is the top of `owned` above where it started, so calls inside a body nest.
  const owned = [];
  const allocate = (bytes, name) => {
    const address = core.allocate(bytes);
    if (!address) throw new RangeError(`${name}: out of memory: ${bytes} bytes do not fit in this browser's wasm memory`);
    owned.push(address);
    return address;
  };
  const scope = Object.freeze({
    array(array, name) {
      if (array === null) return [0, 0];
      const Type = ELEMENT_TYPES[typedArrayKind(array)], length = elementCount(array);
      const address = allocate(length * Type.BYTES_PER_ELEMENT, name);
      if (length > 0) copyInto.call(new Type(memory.buffer, address, length), array);  // a view made after the allocation
      return [address, length];
    },
    text(string, name) {
      let encoded;
      try {
        encoded = encoder.encode(string);  // a lone surrogate becomes U+FFFD, one for one
      } catch (error) {
        throw new RangeError(`${name}: ${string.length} characters are too long to encode here (${error.message})`);
      }
      return scope.array(encoded, name);
    },
    table(numbers) {
      const address = allocate(numbers.length * 8, 'arguments');
      new Float64Array(memory.buffer, address, numbers.length).set(numbers);
      return address;
    },
  });
  function call(body) {
    const start = owned.length;
    try {
      return body(scope);
    } finally {
      while (owned.length > start) core.release(owned.pop());
    }
  }

  return { read, call };
}
