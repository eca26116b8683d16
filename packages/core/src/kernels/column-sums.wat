;; Sums over the middle axis of an outer × rows × cols array of float32 numbers:
;; dst[o][c] = src[o][0][c] + src[o][1][c] + … + src[o][rows − 1][c], added in that order from
;; +0 in float32 (WebAssembly's f32 and f32x4 add round to nearest). dst[o] is zeroed, then each
;; row is added to it, four columns at a time and the last cols mod 4 one by one, so that src is
;; read in order (walking down a column instead thrashes the cache when rows lie a power of two
;; of kilobytes apart) and dst[o] stays in cache. Pointers are byte offsets into the wasm
;; backend's heap, aligned to 4 bytes only; dst must not overlap src.
;;
;; Compiled by packages/core/scripts/compile-wasm-modules.mjs into column-sums-wasm.generated.ts;
;; rerun it after an edit (a test checks that the two agree).
(module
  (import "env" "memory" (memory 0))
  (func (export "column_sums")
    (param $src i32) (param $dst i32) (param $outer i32) (param $rows i32) (param $cols i32)
    (local $o i32) (local $r i32) (local $c i32) (local $cols4 i32) (local $stride i32)
    (local $p i32) (local $out i32) (local $q i32)
    (local.set $cols4 (i32.and (local.get $cols) (i32.const -4)))
    (local.set $stride (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $p (local.get $src))
    (local.set $o (i32.const 0))
    (block $done_o (loop $loop_o
      (br_if $done_o (i32.ge_u (local.get $o) (local.get $outer)))
      (local.set $out (i32.add (local.get $dst) (i32.mul (local.get $o) (local.get $stride))))
      ;; dst[o] = +0
      (local.set $c (i32.const 0))
      (block $done_z (loop $loop_z
        (br_if $done_z (i32.ge_u (local.get $c) (local.get $cols)))
        (f32.store align=4 (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 2))) (f32.const 0))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $loop_z)))
      ;; dst[o] += src[o][r], row after row; p walks src in order
      (local.set $r (i32.const 0))
      (block $done_r (loop $loop_r
        (br_if $done_r (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $q (local.get $out))
        (local.set $c (i32.const 0))
        (block $done_c (loop $loop_c
          (br_if $done_c (i32.ge_u (local.get $c) (local.get $cols4)))
          (v128.store align=4 (local.get $q)
            (f32x4.add (v128.load align=4 (local.get $q)) (v128.load align=4 (local.get $p))))
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (local.set $q (i32.add (local.get $q) (i32.const 16)))
          (local.set $c (i32.add (local.get $c) (i32.const 4)))
          (br $loop_c)))
        (block $done_t (loop $loop_t
          (br_if $done_t (i32.ge_u (local.get $c) (local.get $cols)))
          (f32.store align=4 (local.get $q)
            (f32.add (f32.load align=4 (local.get $q)) (f32.load align=4 (local.get $p))))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (local.set $q (i32.add (local.get $q) (i32.const 4)))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br $loop_t)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $loop_r)))
      (local.set $o (i32.add (local.get $o) (i32.const 1)))
      (br $loop_o)))
  )
)
