/*
 * pp.h: preprocessor plumbing. SJ_MAP applies a macro to each of its arguments; the typed
 * store calls of db.h use it to turn every argument into a db_arg checked by _Generic.
 * Generated once by hand-written Python; regenerate with a larger N if a statement ever needs
 * more than 40 parameters (the compiler says so: SJ_MAP_41 is not defined).
 */
#ifndef SJ_PP_H
#define SJ_PP_H

/* SJ_MAP(f, a, b, ...) is f(a), f(b), ...: up to 40 arguments. */
#define SJ_PP_CAT(a, b)  SJ_PP_CAT_(a, b)
#define SJ_PP_CAT_(a, b) a##b
#define SJ_PP_NARG(...)                                                                            \
    SJ_PP_NARG_(__VA_ARGS__, 40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24,   \
                23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1)
#define SJ_PP_NARG_(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17,    \
                    _18, _19, _20, _21, _22, _23, _24, _25, _26, _27, _28, _29, _30, _31, _32,     \
                    _33, _34, _35, _36, _37, _38, _39, _40, n, ...)                                \
    n
#define SJ_MAP(f, ...)       SJ_PP_CAT(SJ_MAP_, SJ_PP_NARG(__VA_ARGS__))(f, __VA_ARGS__)
#define SJ_MAP_1(f, x)       f(x)
#define SJ_MAP_2(f, x, ...)  f(x), SJ_MAP_1(f, __VA_ARGS__)
#define SJ_MAP_3(f, x, ...)  f(x), SJ_MAP_2(f, __VA_ARGS__)
#define SJ_MAP_4(f, x, ...)  f(x), SJ_MAP_3(f, __VA_ARGS__)
#define SJ_MAP_5(f, x, ...)  f(x), SJ_MAP_4(f, __VA_ARGS__)
#define SJ_MAP_6(f, x, ...)  f(x), SJ_MAP_5(f, __VA_ARGS__)
#define SJ_MAP_7(f, x, ...)  f(x), SJ_MAP_6(f, __VA_ARGS__)
#define SJ_MAP_8(f, x, ...)  f(x), SJ_MAP_7(f, __VA_ARGS__)
#define SJ_MAP_9(f, x, ...)  f(x), SJ_MAP_8(f, __VA_ARGS__)
#define SJ_MAP_10(f, x, ...) f(x), SJ_MAP_9(f, __VA_ARGS__)
#define SJ_MAP_11(f, x, ...) f(x), SJ_MAP_10(f, __VA_ARGS__)
#define SJ_MAP_12(f, x, ...) f(x), SJ_MAP_11(f, __VA_ARGS__)
#define SJ_MAP_13(f, x, ...) f(x), SJ_MAP_12(f, __VA_ARGS__)
#define SJ_MAP_14(f, x, ...) f(x), SJ_MAP_13(f, __VA_ARGS__)
#define SJ_MAP_15(f, x, ...) f(x), SJ_MAP_14(f, __VA_ARGS__)
#define SJ_MAP_16(f, x, ...) f(x), SJ_MAP_15(f, __VA_ARGS__)
#define SJ_MAP_17(f, x, ...) f(x), SJ_MAP_16(f, __VA_ARGS__)
#define SJ_MAP_18(f, x, ...) f(x), SJ_MAP_17(f, __VA_ARGS__)
#define SJ_MAP_19(f, x, ...) f(x), SJ_MAP_18(f, __VA_ARGS__)
#define SJ_MAP_20(f, x, ...) f(x), SJ_MAP_19(f, __VA_ARGS__)
#define SJ_MAP_21(f, x, ...) f(x), SJ_MAP_20(f, __VA_ARGS__)
#define SJ_MAP_22(f, x, ...) f(x), SJ_MAP_21(f, __VA_ARGS__)
#define SJ_MAP_23(f, x, ...) f(x), SJ_MAP_22(f, __VA_ARGS__)
#define SJ_MAP_24(f, x, ...) f(x), SJ_MAP_23(f, __VA_ARGS__)
#define SJ_MAP_25(f, x, ...) f(x), SJ_MAP_24(f, __VA_ARGS__)
#define SJ_MAP_26(f, x, ...) f(x), SJ_MAP_25(f, __VA_ARGS__)
#define SJ_MAP_27(f, x, ...) f(x), SJ_MAP_26(f, __VA_ARGS__)
#define SJ_MAP_28(f, x, ...) f(x), SJ_MAP_27(f, __VA_ARGS__)
#define SJ_MAP_29(f, x, ...) f(x), SJ_MAP_28(f, __VA_ARGS__)
#define SJ_MAP_30(f, x, ...) f(x), SJ_MAP_29(f, __VA_ARGS__)
#define SJ_MAP_31(f, x, ...) f(x), SJ_MAP_30(f, __VA_ARGS__)
#define SJ_MAP_32(f, x, ...) f(x), SJ_MAP_31(f, __VA_ARGS__)
#define SJ_MAP_33(f, x, ...) f(x), SJ_MAP_32(f, __VA_ARGS__)
#define SJ_MAP_34(f, x, ...) f(x), SJ_MAP_33(f, __VA_ARGS__)
#define SJ_MAP_35(f, x, ...) f(x), SJ_MAP_34(f, __VA_ARGS__)
#define SJ_MAP_36(f, x, ...) f(x), SJ_MAP_35(f, __VA_ARGS__)
#define SJ_MAP_37(f, x, ...) f(x), SJ_MAP_36(f, __VA_ARGS__)
#define SJ_MAP_38(f, x, ...) f(x), SJ_MAP_37(f, __VA_ARGS__)
#define SJ_MAP_39(f, x, ...) f(x), SJ_MAP_38(f, __VA_ARGS__)
#define SJ_MAP_40(f, x, ...) f(x), SJ_MAP_39(f, __VA_ARGS__)

#endif
