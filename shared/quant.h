/* quant.h — quantization between simulation values and wire values.
 *
 * Owns the precision of everything the snapshot sends about other entities:
 *   position  1/8 world unit, unsigned 16 bits (0 .. 8191.875 units)
 *   velocity  1/8 world unit per tick, signed 8 bits (+-15.875 units/tick)
 *   aim       10-bit angle (0.35 degrees); the simulation's own angles are 12-bit
 * Rounding is to nearest, halves away from zero, then clamped to the field's range. The
 * viewer's own player is sent at full simulation precision instead (snapshot self block).
 * Pure functions, integer only on the wire side. */
#ifndef ARENA_QUANT_H
#define ARENA_QUANT_H

#include <stdint.h>

#include "sim.h" /* SIM_FP_SHIFT: simulation values are Q8 */

enum {
    Q_POS_SHIFT = 5, /* Q8 >> 5 = 1/8 unit */
    Q_POS_BITS = 16,
    Q_POS_MAX = (1 << Q_POS_BITS) - 1,
    Q_POS_PER_UNIT = 1 << (SIM_FP_SHIFT - Q_POS_SHIFT), /* wire steps per world unit: 8 */
    Q_VEL_SHIFT = 5,                                    /* Q8/tick >> 5 = 1/8 unit/tick */
    Q_VEL_BITS = 8,
    Q_VEL_MAX = (1 << (Q_VEL_BITS - 1)) - 1,            /* 127: -128 is unused, the range is
                                                           symmetric */
    Q_VEL_PER_UNIT = 1 << (SIM_FP_SHIFT - Q_VEL_SHIFT), /* wire steps per unit/tick: 8 */
    Q_AIM_BITS = 10,
    Q_AIM12_BITS = 12, /* the simulation's angles (SimPlayer.aim, the self block) */
};

/* Divides by 2^shift rounding to nearest, halves away from zero; defined for all int32. */
int32_t q_round_shift(int32_t v, unsigned shift);

uint16_t q_pos(int32_t fp);     /* Q8 -> 1/8 unit, clamped to [0, Q_POS_MAX] */
int32_t q_pos_fp(uint16_t q);   /* 1/8 unit -> Q8 */
int8_t q_vel(int32_t fp);       /* Q8/tick -> 1/8 unit/tick, clamped to [-127, 127] */
int32_t q_vel_fp(int8_t q);     /* back to Q8/tick */
uint16_t q_aim(uint16_t aim12); /* 12-bit -> 10-bit, rounded, wraps */
uint16_t q_aim_12(uint16_t aim10);

/* Float conveniences for renderers and input: world units and radians. */
float q_pos_units(uint16_t q);                /* 1/8 unit -> world units */
float q_vel_units(int8_t q);                  /* 1/8 unit/tick -> world units per tick */
uint16_t q_aim12_from_radians(float radians); /* any finite value; wraps */
float q_aim12_to_radians(uint16_t aim12);

#endif
