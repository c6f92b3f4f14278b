-- bench/cases_fill.pg.sql: the same year of cases as cases_fill.sqlite.sql, on PostgreSQL.
WITH sch AS (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM schools),
ns AS (SELECT COUNT(*) AS c FROM schools),
r AS (SELECT i, (i * 7919) % 365 AS age, i % 10 AS cat, (i * 31) % 100 AS p FROM generate_series(1, 200000) AS i),
x AS (
  SELECT r.*, sch.id AS school,
         ((now() AT TIME ZONE 'Asia/Shanghai')::date - r.age) AS arrived,
         CASE WHEN r.age > 30 THEN CASE WHEN r.p < 92 THEN 'closed' ELSE 'assigned' END
              ELSE CASE r.p % 4 WHEN 0 THEN 'open' WHEN 1 THEN 'assigned' WHEN 2 THEN 'answered' ELSE 'closed' END
         END AS status
  FROM r JOIN sch ON sch.k = r.i % (SELECT c FROM ns))
INSERT INTO cases (district_id, school_id, institution_id, category, source, text, status,
                   assigned_school_id, arrived_on, due_date, created_at, closed_at, closed_on,
                   outcome, anonymous, tracking_code, secret_hash, policy_version)
SELECT 1, x.school, NULL,
       (ARRAY['homework_overload','afterschool_fee','exam_ranking','unlicensed_training','disguised_training',
              'off_hours_training','prepaid_over_limit','refund_refused','wage_arrears','other'])[x.cat + 1],
       CASE WHEN x.i % 3 = 0 THEN 'complaint' ELSE 'tip' END,
       '批量生成的测试案件', x.status,
       CASE WHEN x.cat < 3 OR x.status <> 'open' THEN x.school END,
       to_char(x.arrived, 'YYYY-MM-DD'), to_char(x.arrived + 21, 'YYYY-MM-DD'),
       extract(epoch FROM x.arrived)::bigint - 8 * 3600 + 36000,
       CASE WHEN x.status = 'closed' THEN extract(epoch FROM x.arrived)::bigint + 20 * 86400 END,
       CASE WHEN x.status = 'closed' THEN to_char(x.arrived + 20, 'YYYY-MM-DD') END,
       CASE WHEN x.status = 'closed' THEN CASE WHEN x.p % 3 = 0 THEN 'unsubstantiated' ELSE 'substantiated' END END,
       1,
       CASE WHEN x.i % 3 <> 0 THEN to_char(900000000000 + x.i, 'FM000000000000') END,
       CASE WHEN x.i % 3 <> 0 THEN md5(x.i::text) END,
       'bench'
FROM x;

INSERT INTO case_history (district_id, case_id, at, actor_id, actor_role, action, status, detail)
SELECT 1, c.id, c.created_at + k.j * 3600, NULL, 'system',
       (ARRAY['filed','assigned','noted','replied','closed'])[k.j], c.status, NULL
FROM cases c, generate_series(1, 5) AS k(j) WHERE c.policy_version = 'bench';
ANALYZE;
