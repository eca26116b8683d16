;; One Adam step over n float32 entries, tf.train.adam's float32 operations in its order, four
;; entries at a time (f32x4) and the last n mod 4 one by one. WebAssembly's f32 and f32x4 add, mul,
;; div and sqrt are IEEE 754 operations rounded to nearest, so each lane's result is the float32
;; kernel's, bit for bit; no fused multiply-add and no relaxed SIMD, which would round differently.
;;
;;   m' = m·β₁ + g·(1 − β₁)        v' = v·β₂ + (g·g)·(1 − β₂)
;;   θ' = ((m'/c₁) / (√(v'/c₂) + ε))·(−lr) + θ        c₁ = 1 − β₁ᵗ, c₂ = 1 − β₂ᵗ
;;
;; Operands keep that order and association. The memory is the wasm backend's heap; pointers are
;; byte offsets into it, aligned to 4 bytes only (a piece of the flat moments starts anywhere):
;; WebAssembly needs no alignment, align=4 says what to expect. Without a gradient
;; (has_gradient = 0, g not read) g is +0, as the JavaScript kernel's zero-filled array.
;;
;; Compiled by packages/core/scripts/compile-wasm-modules.mjs into adam-update-wasm.generated.ts;
;; rerun it after an edit (a test checks that the two agree).
(module
  (import "env" "memory" (memory 0))
  (func (export "update")
    (param $m i32) (param $v i32) (param $g i32) (param $theta i32)
    (param $new_m i32) (param $new_v i32) (param $new_theta i32)
    (param $n i32) (param $has_gradient i32)
    (param $beta1 f32) (param $one_minus_beta1 f32)
    (param $beta2 f32) (param $one_minus_beta2 f32)
    (param $correction1 f32) (param $correction2 f32)
    (param $epsilon f32) (param $negative_learning_rate f32)
    (local $i i32) (local $vector_end i32) (local $end i32)
    (local $beta1x4 v128) (local $one_minus_beta1x4 v128)
    (local $beta2x4 v128) (local $one_minus_beta2x4 v128)
    (local $correction1x4 v128) (local $correction2x4 v128)
    (local $epsilonx4 v128) (local $negative_learning_ratex4 v128)
    (local $gx4 v128) (local $mx4 v128) (local $vx4 v128)
    (local $gx1 f32) (local $mx1 f32) (local $vx1 f32)
    (local.set $beta1x4 (f32x4.splat (local.get $beta1)))
    (local.set $one_minus_beta1x4 (f32x4.splat (local.get $one_minus_beta1)))
    (local.set $beta2x4 (f32x4.splat (local.get $beta2)))
    (local.set $one_minus_beta2x4 (f32x4.splat (local.get $one_minus_beta2)))
    (local.set $correction1x4 (f32x4.splat (local.get $correction1)))
    (local.set $correction2x4 (f32x4.splat (local.get $correction2)))
    (local.set $epsilonx4 (f32x4.splat (local.get $epsilon)))
    (local.set $negative_learning_ratex4 (f32x4.splat (local.get $negative_learning_rate)))
    ;; Byte offsets: the whole groups of four entries end at vector_end, all entries at end.
    (local.set $vector_end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $vector_done
      (loop $vector
        (br_if $vector_done (i32.ge_u (local.get $i) (local.get $vector_end)))
        (local.set $gx4
          (if (result v128) (local.get $has_gradient)
            (then (v128.load align=4 (i32.add (local.get $g) (local.get $i))))
            (else (v128.const i32x4 0 0 0 0))))
        ;; m' = m·β₁ + g·(1 − β₁)
        (local.set $mx4
          (f32x4.add
            (f32x4.mul
              (v128.load align=4 (i32.add (local.get $m) (local.get $i)))
              (local.get $beta1x4))
            (f32x4.mul (local.get $gx4) (local.get $one_minus_beta1x4))))
        ;; v' = v·β₂ + (g·g)·(1 − β₂)
        (local.set $vx4
          (f32x4.add
            (f32x4.mul
              (v128.load align=4 (i32.add (local.get $v) (local.get $i)))
              (local.get $beta2x4))
            (f32x4.mul
              (f32x4.mul (local.get $gx4) (local.get $gx4))
              (local.get $one_minus_beta2x4))))
        (v128.store align=4 (i32.add (local.get $new_m) (local.get $i)) (local.get $mx4))
        (v128.store align=4 (i32.add (local.get $new_v) (local.get $i)) (local.get $vx4))
        ;; θ' = ((m'/c₁) / (√(v'/c₂) + ε))·(−lr) + θ
        (v128.store align=4 (i32.add (local.get $new_theta) (local.get $i))
          (f32x4.add
            (f32x4.mul
              (f32x4.div
                (f32x4.div (local.get $mx4) (local.get $correction1x4))
                (f32x4.add
                  (f32x4.sqrt (f32x4.div (local.get $vx4) (local.get $correction2x4)))
                  (local.get $epsilonx4)))
              (local.get $negative_learning_ratex4))
            (v128.load align=4 (i32.add (local.get $theta) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vector)))
    ;; The same operations on the last n mod 4 entries, one at a time.
    (block $scalar_done
      (loop $scalar
        (br_if $scalar_done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gx1
          (if (result f32) (local.get $has_gradient)
            (then (f32.load (i32.add (local.get $g) (local.get $i))))
            (else (f32.const 0))))
        (local.set $mx1
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $m) (local.get $i))) (local.get $beta1))
            (f32.mul (local.get $gx1) (local.get $one_minus_beta1))))
        (local.set $vx1
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $v) (local.get $i))) (local.get $beta2))
            (f32.mul (f32.mul (local.get $gx1) (local.get $gx1)) (local.get $one_minus_beta2))))
        (f32.store (i32.add (local.get $new_m) (local.get $i)) (local.get $mx1))
        (f32.store (i32.add (local.get $new_v) (local.get $i)) (local.get $vx1))
        (f32.store (i32.add (local.get $new_theta) (local.get $i))
          (f32.add
            (f32.mul
              (f32.div
                (f32.div (local.get $mx1) (local.get $correction1))
                (f32.add
                  (f32.sqrt (f32.div (local.get $vx1) (local.get $correction2)))
                  (local.get $epsilon)))
              (local.get $negative_learning_rate))
            (f32.load (i32.add (local.get $theta) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $scalar)))))
