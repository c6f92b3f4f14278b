-- 0200_afterschool: after-school service (课后服务): the district's vetted third parties,
-- programs, enrolments with wait lists, ranked choices and their allocation, rolls and
-- corrections, hardship waivers, stored bills, teachers' duty (time bank), leave.
-- Weekdays are a bit mask (bit d = weekday d, 1 Monday .. 5 Friday); times are TEXT HH:MM
-- with their minutes beside them for comparisons in SQL; money is fen.

-- The district's list of vetted outside providers (遴选), with service items, fee standard and
-- exit. institution_id points at the training registry when the provider is in it; it has no
-- foreign key because that table belongs to another module.
CREATE TABLE afterschool_vendors (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    name TEXT NOT NULL,
    credit_code TEXT NOT NULL,            -- 统一社会信用代码
    institution_id BIGINT,
    service_items TEXT NOT NULL,          -- JSON array of strings
    fee_per_hour_fen BIGINT NOT NULL,     -- the fee standard the district approved
    vetted_from TEXT NOT NULL,
    vetted_to TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'exited')),
    exited_on TEXT,
    exit_reason TEXT,
    created_at BIGINT NOT NULL,
    created_by BIGINT,
    UNIQUE (district_id, credit_code)
);
CREATE INDEX afterschool_vendors_inst ON afterschool_vendors (district_id, institution_id);

CREATE TABLE afterschool_programs (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    school_id BIGINT NOT NULL REFERENCES schools(id),
    term TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('care', 'course')),
    category TEXT,                        -- sports, arts, science, reading, ... (free text)
    provider TEXT NOT NULL CHECK (provider IN ('school', 'third_party')),
    vendor_id BIGINT REFERENCES afterschool_vendors(id),
    institution_id BIGINT,
    capacity INTEGER NOT NULL CHECK (capacity >= 1),
    weekdays INTEGER NOT NULL CHECK (weekdays > 0),
    start_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    start_min INTEGER NOT NULL,
    end_min INTEGER NOT NULL,
    fee_per_hour_fen BIGINT NOT NULL CHECK (fee_per_hour_fen >= 0),
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL,
    place TEXT,
    staff_a BIGINT REFERENCES users(id),  -- A post: the teacher on duty
    staff_b BIGINT REFERENCES users(id),  -- B post: covers when A is away
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    policy_version TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by BIGINT,
    CHECK (start_min < end_min),
    CHECK (first_day <= last_day)
);
CREATE INDEX afterschool_programs_school ON afterschool_programs (school_id, term);
CREATE INDEX afterschool_programs_district ON afterschool_programs (district_id, term);

-- An enrolment holds a seat (enrolled) or a place in the queue (waitlisted; the queue is in id
-- order). A pupil leaves with `left_on`, the first day not billed: status `left` when sessions
-- were billed before, `cancelled` when none were. seat_from is the first day of the seat.
CREATE TABLE afterschool_enrolments (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    school_id BIGINT NOT NULL REFERENCES schools(id),
    program_id BIGINT NOT NULL REFERENCES afterschool_programs(id),
    student_id BIGINT NOT NULL REFERENCES students(id),
    status TEXT NOT NULL CHECK (status IN ('enrolled', 'waitlisted', 'left', 'cancelled')),
    seat_from TEXT,
    left_on TEXT,
    source TEXT NOT NULL DEFAULT 'guardian' CHECK (source IN ('guardian', 'allocation')),
    created_at BIGINT NOT NULL,
    created_by BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX afterschool_enrolments_active ON afterschool_enrolments (program_id, student_id)
    WHERE status IN ('enrolled', 'waitlisted');
CREATE INDEX afterschool_enrolments_program ON afterschool_enrolments (program_id, status, id);
CREATE INDEX afterschool_enrolments_student ON afterschool_enrolments (student_id, status);

-- Ranked choices of a family for a term (1 = first choice), allocated fairly by lottery.
CREATE TABLE afterschool_choices (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    school_id BIGINT NOT NULL REFERENCES schools(id),
    term TEXT NOT NULL,
    student_id BIGINT NOT NULL REFERENCES students(id),
    program_id BIGINT NOT NULL REFERENCES afterschool_programs(id),
    rank INTEGER NOT NULL CHECK (rank BETWEEN 1 AND 5),
    created_at BIGINT NOT NULL,
    created_by BIGINT,
    UNIQUE (student_id, term, rank),
    UNIQUE (student_id, program_id)
);
CREATE INDEX afterschool_choices_school ON afterschool_choices (school_id, term);

CREATE TABLE afterschool_allocations (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    school_id BIGINT NOT NULL REFERENCES schools(id),
    term TEXT NOT NULL,
    seed BIGINT NOT NULL,                 -- the lottery's seed: the result can be replayed
    pupils INTEGER NOT NULL,
    placed INTEGER NOT NULL,
    waitlisted INTEGER NOT NULL,
    ran_at BIGINT NOT NULL,
    ran_by BIGINT
);

-- One roll per program and session day; every pupil enrolled that day has a row. A roll is
-- open on its day; afterwards it is locked and changes only by a correction with a reason.
CREATE TABLE afterschool_rolls (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    school_id BIGINT NOT NULL REFERENCES schools(id),
    program_id BIGINT NOT NULL REFERENCES afterschool_programs(id),
    date TEXT NOT NULL,
    taken_by BIGINT REFERENCES users(id),
    taken_at BIGINT NOT NULL,
    late_reason TEXT,                     -- a roll entered after its day says why
    UNIQUE (program_id, date)
);
CREATE INDEX afterschool_rolls_school ON afterschool_rolls (school_id, date);

CREATE TABLE afterschool_attendance (
    roll_id BIGINT NOT NULL REFERENCES afterschool_rolls(id),
    student_id BIGINT NOT NULL REFERENCES students(id),
    present INTEGER NOT NULL,
    PRIMARY KEY (roll_id, student_id)
);

CREATE TABLE afterschool_corrections (
    id ID_PK,
    roll_id BIGINT NOT NULL REFERENCES afterschool_rolls(id),
    student_id BIGINT NOT NULL REFERENCES students(id),
    present_before INTEGER NOT NULL,
    present_after INTEGER NOT NULL,
    reason TEXT NOT NULL,
    by_user BIGINT REFERENCES users(id),
    at BIGINT NOT NULL
);
CREATE INDEX afterschool_corrections_roll ON afterschool_corrections (roll_id);

-- AS-5: families in hardship are exempt; the school sets the flag per pupil.
CREATE TABLE afterschool_waivers (
    student_id BIGINT PRIMARY KEY REFERENCES students(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    school_id BIGINT NOT NULL REFERENCES schools(id),
    reason TEXT NOT NULL,
    set_by BIGINT,
    set_at BIGINT NOT NULL
);

-- Bills as last computed for a term (the fees report sums them); lines is the bill's JSON.
CREATE TABLE afterschool_bills (
    student_id BIGINT NOT NULL REFERENCES students(id),
    term TEXT NOT NULL,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    school_id BIGINT NOT NULL REFERENCES schools(id),
    gross_fen BIGINT NOT NULL,
    waiver_fen BIGINT NOT NULL,
    total_fen BIGINT NOT NULL,
    waived INTEGER NOT NULL,
    lines TEXT NOT NULL,
    policy_version TEXT NOT NULL,
    computed_at BIGINT NOT NULL,
    PRIMARY KEY (student_id, term)
);
CREATE INDEX afterschool_bills_school ON afterschool_bills (school_id, term);

-- Teachers' after-school duty: each row credits the time bank with its minutes.
CREATE TABLE afterschool_duties (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    school_id BIGINT NOT NULL REFERENCES schools(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    program_id BIGINT NOT NULL REFERENCES afterschool_programs(id),
    date TEXT NOT NULL,
    minutes INTEGER NOT NULL CHECK (minutes > 0),
    covering_for BIGINT REFERENCES users(id), -- the A-post teacher a B-post teacher stood in for
    created_by BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (user_id, program_id, date)
);
CREATE INDEX afterschool_duties_school ON afterschool_duties (school_id, date);

-- Half-day leave paid with credits (AS-9). The minutes are held from the request on and
-- return to the bank only if the school rejects it.
CREATE TABLE afterschool_leave (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    school_id BIGINT NOT NULL REFERENCES schools(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    date TEXT NOT NULL,
    half TEXT NOT NULL CHECK (half IN ('am', 'pm')),
    week_start TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by BIGINT,
    decided_at BIGINT,
    decision_note TEXT,
    policy_version TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX afterschool_leave_once ON afterschool_leave (user_id, date, half)
    WHERE status <> 'rejected';
CREATE INDEX afterschool_leave_week ON afterschool_leave (user_id, week_start);
CREATE INDEX afterschool_leave_school ON afterschool_leave (school_id, status);
