-- 0322: why a lesson was recorded on a day its course does not meet (its schedule), as the
-- institution typed it when the web app asked (issue 13); NULL for a lesson on a scheduled day.
ALTER TABLE contract_lessons ADD COLUMN reason TEXT;
