-- 0320_lesson_start: a lesson may record when it began (TR-4: subject training stays out of
-- school hours on school days); NULL for a lesson at the course's registered slot.
ALTER TABLE contract_lessons ADD COLUMN start_time TEXT;
