-- bench/cases_fill.sqlite.sql: a city's year of cases on top of a demo district (SQLite):
-- 200,000 complaints and tip-offs over the last 365 days spread over every school, one in ten
-- about an institution, most of the older ones closed and about one in twelve of them still
-- open past its due date; five history rows each (1,000,000). bench/cases.sh runs it.
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000),
sch AS (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM schools),
ns AS (SELECT COUNT(*) AS c FROM schools),
r AS (SELECT i, (i * 7919) % 365 AS age, i % 10 AS cat, (i * 31) % 100 AS p FROM n),
x AS (
  SELECT r.*, sch.id AS school,
         date('now', '+8 hours', '-' || r.age || ' days') AS arrived,
         CASE WHEN r.age > 30 THEN CASE WHEN r.p < 92 THEN 'closed' ELSE 'assigned' END
              ELSE CASE r.p % 4 WHEN 0 THEN 'open' WHEN 1 THEN 'assigned' WHEN 2 THEN 'answered' ELSE 'closed' END
         END AS status
  FROM r JOIN sch ON sch.k = r.i % (SELECT c FROM ns))
INSERT INTO cases (district_id, school_id, institution_id, category, source, text, status,
                   assigned_school_id, arrived_on, due_date, created_at, closed_at, closed_on,
                   outcome, anonymous, tracking_code, secret_hash, policy_version)
SELECT 1, x.school, NULL,
       CASE x.cat WHEN 0 THEN 'homework_overload' WHEN 1 THEN 'afterschool_fee' WHEN 2 THEN 'exam_ranking'
                  WHEN 3 THEN 'unlicensed_training' WHEN 4 THEN 'disguised_training' WHEN 5 THEN 'off_hours_training'
                  WHEN 6 THEN 'prepaid_over_limit' WHEN 7 THEN 'refund_refused' WHEN 8 THEN 'wage_arrears' ELSE 'other' END,
       CASE WHEN x.i % 3 = 0 THEN 'complaint' ELSE 'tip' END,
       '批量生成的测试案件', x.status,
       CASE WHEN x.cat < 3 OR x.status <> 'open' THEN x.school END,
       x.arrived, date(x.arrived, '+21 days'), CAST(strftime('%s', x.arrived) AS INTEGER) - 8 * 3600 + 36000,
       CASE WHEN x.status = 'closed' THEN CAST(strftime('%s', x.arrived) AS INTEGER) + 20 * 86400 END,
       CASE WHEN x.status = 'closed' THEN date(x.arrived, '+20 days') END,
       CASE WHEN x.status = 'closed' THEN CASE WHEN x.p % 3 = 0 THEN 'unsubstantiated' ELSE 'substantiated' END END,
       1,
       CASE WHEN x.i % 3 <> 0 THEN printf('%012d', 900000000000 + x.i) END,
       CASE WHEN x.i % 3 <> 0 THEN lower(hex(randomblob(16))) END,
       'bench'
FROM x;

WITH RECURSIVE k(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM k WHERE j < 5)
INSERT INTO case_history (district_id, case_id, at, actor_id, actor_role, action, status, detail)
SELECT 1, c.id, c.created_at + k.j * 3600, NULL, 'system',
       CASE k.j WHEN 1 THEN 'filed' WHEN 2 THEN 'assigned' WHEN 3 THEN 'noted' WHEN 4 THEN 'replied' ELSE 'closed' END,
       c.status, NULL
FROM cases c, k WHERE c.policy_version = 'bench';
ANALYZE;
