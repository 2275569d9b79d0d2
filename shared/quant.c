/* quant.c — see quant.h. Integer arithmetic on the wire side; the float helpers avoid libm so
 * shared/ links without -lm and behaves the same on every platform. */
#include "quant.h"

#include <assert.h>

enum {
    AIM12_STEPS = 1 << Q_AIM12_BITS,
    AIM10_STEPS = 1 << Q_AIM_BITS,
    AIM_DROP = Q_AIM12_BITS - Q_AIM_BITS, /* bits q_aim drops */
};
_Static_assert(Q_POS_BITS == 16 && Q_POS_MAX == UINT16_MAX, "q_pos returns uint16_t");
_Static_assert(Q_VEL_BITS == 8 && Q_VEL_MAX <= INT8_MAX, "q_vel returns int8_t");

#define Q_TWO_PI 6.283185307179586476925286766559

int32_t q_round_shift(int32_t v, unsigned shift)
{
    assert(shift < 31);
    if (shift == 0)
        return v;
    /* In 64 bits so neither v + half nor -v can overflow. */
    int64_t half = (int64_t)1 << (shift - 1);
    int64_t wide = v;
    int64_t mag = wide < 0 ? -wide : wide;
    int64_t q = (mag + half) >> shift;
    return (int32_t)(wide < 0 ? -q : q);
}

uint16_t q_pos(int32_t fp)
{
    int32_t q = q_round_shift(fp, Q_POS_SHIFT);
    if (q < 0)
        return 0;
    if (q > Q_POS_MAX)
        return Q_POS_MAX;
    return (uint16_t)q;
}

int32_t q_pos_fp(uint16_t q)
{
    return (int32_t)q << Q_POS_SHIFT;
}

int8_t q_vel(int32_t fp)
{
    int32_t q = q_round_shift(fp, Q_VEL_SHIFT);
    if (q < -Q_VEL_MAX)
        return -Q_VEL_MAX;
    if (q > Q_VEL_MAX)
        return Q_VEL_MAX;
    return (int8_t)q;
}

int32_t q_vel_fp(int8_t q)
{
    return (int32_t)q * (1 << Q_VEL_SHIFT);
}

uint16_t q_aim(uint16_t aim12)
{
    /* 4 steps of 12 bits per 10-bit step; 4094 rounds up to 1024, which wraps to 0 (east). */
    unsigned a = aim12 & (AIM12_STEPS - 1u);
    return (uint16_t)(((a + (1u << (AIM_DROP - 1))) >> AIM_DROP) & (AIM10_STEPS - 1u));
}

uint16_t q_aim_12(uint16_t aim10)
{
    return (uint16_t)((aim10 & (AIM10_STEPS - 1u)) << AIM_DROP);
}

float q_pos_units(uint16_t q)
{
    return (float)q / (float)Q_POS_PER_UNIT;
}

float q_vel_units(int8_t q)
{
    return (float)q / (float)Q_VEL_PER_UNIT;
}

uint16_t q_aim12_from_radians(float radians)
{
    double t = (double)radians * (AIM12_STEPS / Q_TWO_PI);
    double mag = t < 0 ? -t : t;
    /* 2^64: from here on every double is a multiple of 4096 steps, i.e. whole turns. The
     * negated test also sends NaN and infinities (not allowed by the contract) to 0. */
    if (!(mag < 18446744073709551616.0))
        return 0;
    uint64_t n = (uint64_t)mag; /* exact for mag >= 2^52, truncation below */
    if (mag - (double)n >= 0.5) /* nearest, halves away from zero */
        n++;
    unsigned r = (unsigned)(n & (AIM12_STEPS - 1u));
    if (t < 0)
        r = (AIM12_STEPS - r) & (AIM12_STEPS - 1u);
    return (uint16_t)r;
}

float q_aim12_to_radians(uint16_t aim12)
{
    return (float)((double)(aim12 & (AIM12_STEPS - 1u)) * (Q_TWO_PI / AIM12_STEPS));
}
