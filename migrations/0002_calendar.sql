-- 0002_calendar: the district's school calendar. A date inside a term that is neither a
-- weekend nor a holiday is a school day; a `workday` row makes a weekend date a school day
-- (调休); a date outside every term is vacation.
CREATE TABLE terms (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    term TEXT NOT NULL,              -- 2026-autumn, 2027-spring
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL,
    UNIQUE (district_id, term)
);

CREATE TABLE calendar_days (
    district_id BIGINT NOT NULL REFERENCES districts(id),
    date TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL,
    PRIMARY KEY (district_id, date)
);
