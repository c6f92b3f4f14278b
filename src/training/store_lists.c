/*
 * store_lists.c: the district's white and black lists of institutions (TR-7) as a read other
 * modules may call (training.h): the notices module's public page (宣传) shows them to
 * families next to its 校外培训风险提示.
 */
#include "training/training.h"

json_t *training_institutions_listed(db_conn *c, int64_t district_id, const char *list,
                                     int64_t limit, int64_t offset)
{
    return db_list_page(c,
                        "SELECT id, name, category, address, online FROM institutions"
                        " WHERE district_id = $1 AND list = $2 ORDER BY id",
                        "SELECT COUNT(*) FROM institutions WHERE district_id = $1 AND list = $2",
                        "id:i,name:s,category:s,address:s,online:b", limit, offset, district_id,
                        list);
}
