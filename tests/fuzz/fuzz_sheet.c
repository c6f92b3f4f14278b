/*
 * fuzz_sheet.c: libFuzzer target for uploaded roster files: sheet_read (CSV and XLSX) and
 * both roster mappings, with the zip inflation bound lowered to keep runs fast.
 */
#include <stddef.h>
#include <stdint.h>
#include "core/sheet.h"
#include "core/roster.h"
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sheet_limits lim = sheet_limits_default();
    lim.max_expanded = 8u << 20;
    sheet *sh = NULL;
    char err[256];
    if (sheet_read((const char *)data, size, &lim, &sh, err, sizeof err) == SHEET_OK) {
        roster *ro = NULL;
        if (roster_map_students(sh, &ro) == 0)
            roster_free(ro);
        if (roster_map_teachers(sh, &ro) == 0)
            roster_free(ro);
        for (size_t r = 0; r < sheet_rows(sh); r++)
            for (size_t c = 0; c < sheet_cols(sh, r); c++)
                (void)sheet_cell(sh, r, c)[0];
        sheet_free(sh);
    }
    return 0;
}
