/* test_quant.c — quantization: rounding, clamping, aim wrap, radians. A wrong rounding here
 * shows up as other players jittering by a pixel or aiming a notch off. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>

#include "quant.h"

static const float PI_F = 3.14159265358979f;

static void test_round_shift_halves_away_from_zero(void **state)
{
    (void)state;
    assert_int_equal(q_round_shift(0, 5), 0);
    assert_int_equal(q_round_shift(15, 5), 0);  /* 0.46875 */
    assert_int_equal(q_round_shift(16, 5), 1);  /* 0.5 -> 1 */
    assert_int_equal(q_round_shift(-15, 5), 0); /* -0.46875 */
    assert_int_equal(q_round_shift(-16, 5), -1);
    assert_int_equal(q_round_shift(-17, 5), -1);
    assert_int_equal(q_round_shift(48, 5), 2); /* 1.5 -> 2 */
    assert_int_equal(q_round_shift(-48, 5), -2);
    assert_int_equal(q_round_shift(47, 5), 1);
    assert_int_equal(q_round_shift(-47, 5), -1);
    assert_int_equal(q_round_shift(1000, 0), 1000);
    assert_int_equal(q_round_shift(-7, 0), -7);
    /* The extremes must not overflow (UBSan would abort). */
    assert_int_equal(q_round_shift(INT32_MAX, 5), 67108864);
    assert_int_equal(q_round_shift(INT32_MIN, 5), -67108864);
    assert_int_equal(q_round_shift(INT32_MIN, 1), -1073741824);
    assert_int_equal(q_round_shift(INT32_MAX, 30), 2);
}

static void test_position(void **state)
{
    (void)state;
    assert_int_equal(q_pos(256), 8); /* 1 unit = 8 steps */
    assert_int_equal(q_pos(16), 1);  /* half a step rounds up */
    assert_int_equal(q_pos(15), 0);
    assert_int_equal(q_pos(100 * 256 + 20), 801);
    assert_int_equal(q_pos(-1), 0); /* clamped, not wrapped */
    assert_int_equal(q_pos(-100000), 0);
    assert_int_equal(q_pos(65535 * 32), 65535);
    assert_int_equal(q_pos(65535 * 32 + 15), 65535);
    assert_int_equal(q_pos(65536 * 32), 65535);
    assert_int_equal(q_pos(INT32_MAX), 65535);
    assert_int_equal(q_pos_fp(8), 256);
    assert_int_equal(q_pos_fp(65535), 65535 * 32);
    for (uint32_t q = 0; q <= 65535; q += 7)
        assert_int_equal(q_pos(q_pos_fp((uint16_t)q)), q);
    assert_true(q_pos_units(8) == 1.0f);
    assert_true(q_pos_units(12) == 1.5f);
    assert_true(q_pos_units(65535) == 8191.875f);
}

static void test_velocity(void **state)
{
    (void)state;
    assert_int_equal(q_vel(0), 0);
    assert_int_equal(q_vel(16), 1);
    assert_int_equal(q_vel(-16), -1);
    assert_int_equal(q_vel(-15), 0);
    assert_int_equal(q_vel(3072), 96); /* a shot's speed */
    assert_int_equal(q_vel(1024), 32); /* a player's top speed */
    assert_int_equal(q_vel(-1024), -32);
    assert_int_equal(q_vel(127 * 32 + 15), 127);
    assert_int_equal(q_vel(128 * 32), 127); /* clamped to the symmetric range */
    assert_int_equal(q_vel(-128 * 32), -127);
    assert_int_equal(q_vel(INT32_MIN), -127);
    assert_int_equal(q_vel(INT32_MAX), 127);
    assert_int_equal(q_vel_fp(-127), -127 * 32);
    for (int v = -127; v <= 127; v++)
        assert_int_equal(q_vel(q_vel_fp((int8_t)v)), v);
}

static void test_aim(void **state)
{
    (void)state;
    assert_int_equal(q_aim(0), 0);
    assert_int_equal(q_aim(1), 0);
    assert_int_equal(q_aim(2), 1); /* half a step rounds up */
    assert_int_equal(q_aim(1024), 256);
    assert_int_equal(q_aim(4093), 1023);
    assert_int_equal(q_aim(4094), 0); /* rounds up to a full turn: east again */
    assert_int_equal(q_aim(4095), 0);
    assert_int_equal(q_aim(4096 + 8), 2); /* bits above 12 are ignored */
    assert_int_equal(q_aim_12(256), 1024);
    assert_int_equal(q_aim_12(1023), 4092);
    for (uint16_t a = 0; a < 1024; a++)
        assert_int_equal(q_aim(q_aim_12(a)), a);
    /* Every 12-bit angle lands within half a 10-bit step (2 units), wrapping. */
    for (uint16_t a = 0; a < 4096; a++) {
        int back = q_aim_12(q_aim(a));
        int diff = (back - a + 4096 + 2048) % 4096 - 2048;
        assert_true(diff >= -1 && diff <= 2);
    }
}

static void test_radians(void **state)
{
    (void)state;
    assert_int_equal(q_aim12_from_radians(0.0f), 0);
    assert_int_equal(q_aim12_from_radians(PI_F / 2), 1024); /* south: y grows down */
    assert_int_equal(q_aim12_from_radians(PI_F), 2048);
    assert_int_equal(q_aim12_from_radians(-PI_F / 2), 3072); /* north */
    assert_int_equal(q_aim12_from_radians(2 * PI_F), 0);     /* wraps */
    assert_int_equal(q_aim12_from_radians(-2 * PI_F), 0);
    assert_int_equal(q_aim12_from_radians(4 * PI_F + PI_F / 2), 1024);
    assert_int_equal(q_aim12_from_radians(-6 * PI_F - PI_F / 2), 3072);
    /* Rounds to the nearest step: 0.4 of a step is 0, 0.6 of a step is 1. */
    const float step = 2 * PI_F / 4096;
    assert_int_equal(q_aim12_from_radians(0.4f * step), 0);
    assert_int_equal(q_aim12_from_radians(0.6f * step), 1);
    assert_int_equal(q_aim12_from_radians(-0.6f * step), 4095);
    /* Huge finite values still give an angle. */
    assert_true(q_aim12_from_radians(1e30f) < 4096);
    assert_true(q_aim12_from_radians(-3e38f) < 4096);
    assert_true(q_aim12_from_radians(1e15f) < 4096);
    for (uint16_t a = 0; a < 4096; a++) {
        float r = q_aim12_to_radians(a);
        assert_true(r >= 0.0f && r < 2 * PI_F + 1e-5f);
        assert_int_equal(q_aim12_from_radians(r), a);
    }
    assert_true(q_aim12_to_radians(1024) > 1.5707f && q_aim12_to_radians(1024) < 1.5709f);
    assert_true(q_aim12_to_radians(4096 + 1024) == q_aim12_to_radians(1024));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_shift_halves_away_from_zero),
        cmocka_unit_test(test_position),
        cmocka_unit_test(test_velocity),
        cmocka_unit_test(test_aim),
        cmocka_unit_test(test_radians),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
