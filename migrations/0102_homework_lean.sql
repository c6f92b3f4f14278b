-- 0102_homework_lean: fewer pages written per published item. Each index costs a page in every
-- durable commit; these three served reads that go as well through the class-day keys:
-- a school's items through its classes (classes_school, then homework_class_day), a teacher's
-- own items through their teaching assignments, and a school's class-days through
-- homework_days' primary key (class_id, date). bench/homework.md has the measurements.
DROP INDEX homework_school_day;
DROP INDEX homework_teacher_day;
DROP INDEX homework_days_school;
