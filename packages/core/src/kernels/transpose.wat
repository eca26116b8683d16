;; The transpose of a rows × cols matrix of 4-byte entries, dst[c][r] = src[r][c], where a source
;; row starts src_stride entries after the previous one and a destination row dst_stride entries
;; (cols and rows for a dense matrix; more when the matrix is one slice of a larger array).
;; Entries are moved, never computed on (float32 NaN payloads and int32 values come through
;; unchanged). Pointers are byte offsets into the wasm backend's heap, aligned to 4 bytes only.
;;
;; The part whose sides are multiples of 4 goes in 32 × 32 tiles (a tile's 32 source rows and 32
;; destination rows stay in the L1 cache), each as 4 × 4 blocks: four 16-byte row loads, eight
;; lane shuffles, four 16-byte column stores. The last cols mod 4 columns and rows mod 4 rows go
;; one entry at a time. tfjs-backend-wasm's own Transpose moves one entry per iteration of a
;; loop over the output, striding through the input.
;;
;; Compiled by packages/core/scripts/compile-wasm-modules.mjs into transpose-wasm.generated.ts;
;; rerun it after an edit (a test checks that the two agree).
(module
  (import "env" "memory" (memory 0))
  (func (export "transpose")
    (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32)
    (param $src_stride i32) (param $dst_stride i32)
    (local $rb i32) (local $cb i32) (local $r i32) (local $c i32)
    (local $rend i32) (local $cend i32) (local $rows4 i32) (local $cols4 i32)
    (local $srow i32) (local $sstride i32) (local $dstride i32) (local $p i32) (local $q i32)
    (local $a v128) (local $b v128) (local $x v128) (local $d v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $rows4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $cols4 (i32.and (local.get $cols) (i32.const -4)))
    (local.set $sstride (i32.shl (local.get $src_stride) (i32.const 2)))
    (local.set $dstride (i32.shl (local.get $dst_stride) (i32.const 2)))
    ;; tiles of 32 × 32 over the part whose sides are multiples of 4
    (local.set $rb (i32.const 0))
    (block $done_rb (loop $loop_rb
      (br_if $done_rb (i32.ge_u (local.get $rb) (local.get $rows4)))
      (local.set $rend (i32.add (local.get $rb) (i32.const 32)))
      (if (i32.gt_u (local.get $rend) (local.get $rows4)) (then (local.set $rend (local.get $rows4))))
      (local.set $cb (i32.const 0))
      (block $done_cb (loop $loop_cb
        (br_if $done_cb (i32.ge_u (local.get $cb) (local.get $cols4)))
        (local.set $cend (i32.add (local.get $cb) (i32.const 32)))
        (if (i32.gt_u (local.get $cend) (local.get $cols4)) (then (local.set $cend (local.get $cols4))))
        (local.set $r (local.get $rb))
        (block $done_r (loop $loop_r
          (br_if $done_r (i32.ge_u (local.get $r) (local.get $rend)))
          (local.set $c (local.get $cb))
          (block $done_c (loop $loop_c
            (br_if $done_c (i32.ge_u (local.get $c) (local.get $cend)))
            ;; p = src + (r·cols + c)·4 ; q = dst + (c·rows + r)·4
            (local.set $p (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $src_stride)) (local.get $c)) (i32.const 2))))
            (local.set $q (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $dst_stride)) (local.get $r)) (i32.const 2))))
            (local.set $a (v128.load align=4 (local.get $p)))
            (local.set $b (v128.load align=4 (i32.add (local.get $p) (local.get $sstride))))
            (local.set $x (v128.load align=4 (i32.add (local.get $p) (i32.shl (local.get $sstride) (i32.const 1)))))
            (local.set $d (v128.load align=4 (i32.add (local.get $p) (i32.mul (local.get $sstride) (i32.const 3)))))
            (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
            (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
            (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x) (local.get $d)))
            (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x) (local.get $d)))
            (v128.store align=4 (local.get $q) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
            (v128.store align=4 (i32.add (local.get $q) (local.get $dstride)) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
            (v128.store align=4 (i32.add (local.get $q) (i32.shl (local.get $dstride) (i32.const 1))) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
            (v128.store align=4 (i32.add (local.get $q) (i32.mul (local.get $dstride) (i32.const 3))) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $loop_c)))
          (local.set $r (i32.add (local.get $r) (i32.const 4)))
          (br $loop_r)))
        (local.set $cb (i32.add (local.get $cb) (i32.const 32)))
        (br $loop_cb)))
      (local.set $rb (i32.add (local.get $rb) (i32.const 32)))
      (br $loop_rb)))
    ;; the last cols mod 4 columns, every row; then the last rows mod 4 rows, the other columns
    (local.set $r (i32.const 0))
    (block $done_r2 (loop $loop_r2
      (br_if $done_r2 (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $c (select (i32.const 0) (local.get $cols4) (i32.ge_u (local.get $r) (local.get $rows4))))
      (block $done_c2 (loop $loop_c2
        (br_if $done_c2 (i32.ge_u (local.get $c) (local.get $cols)))
        (i32.store align=4
          (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $dst_stride)) (local.get $r)) (i32.const 2)))
          (i32.load align=4 (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $src_stride)) (local.get $c)) (i32.const 2)))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $loop_c2)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $loop_r2)))
  )
)
