// Generated from column-sums.wat by packages/core/scripts/compile-wasm-modules.mjs (wabt 1.0.39).
// Do not edit: edit the .wat and rerun the script (replacement-kernels.test.ts checks the two agree).

/** The WebAssembly module of `column-sums.wat`, 306 bytes, in base64. */
export const columnSumsWasmBase64 =
  'AGFzbQEAAAABCQFgBX9/f39/AAIPAQNlbnYGbWVtb3J5AgAAAwIBAAcPAQtjb2x1bW5fc3VtcwAACvYBAfMBAQh/IARBfHEhCCAEQQJ0IQkgACEKQQAhBQJAA0AgBSACTw0BIAEgBSAJbGohC0EAIQcCQANAIAcgBE8NASALIAdBAnRqQwAAAAA4AgAgB0EBaiEHDAALC0EAIQYCQANAIAYgA08NASALIQxBACEHAkADQCAHIAhPDQEgDCAM/QACACAK/QACAP3kAf0LAgAgCkEQaiEKIAxBEGohDCAHQQRqIQcMAAsLAkADQCAHIARPDQEgDCAMKgIAIAoqAgCSOAIAIApBBGohCiAMQQRqIQwgB0EBaiEHDAALCyAGQQFqIQYMAAsLIAVBAWohBQwACwsL';
