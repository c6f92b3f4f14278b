// The district's one clock (src/core/clock.h): "today" is the day in China Standard Time whatever
// the machine's clock and zone; the test clock (SJ_TEST_CLOCK=1 with SJ_TODAY, SJ_TODAY_TIME)
// starts there and runs on, is refused when only half set, and says so loudly (a banner at every
// start, test_clock in GET /api/v1/health and GET /api/v1/clock). The date rules at the day's
// edge: at 00:05 in Beijing (16:05 UTC the day before) today is already the new day for
// homework, the policy's effective date and the after-school roll; the roll on a Saturday or a
// Sunday night has no session. Runs on SQLite, or PostgreSQL with SJ_PG_URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, run, world, expectStatus, ADMIN_PASSWORD, TODAY, addDays, weekday } from './lib.mjs';

const BANNER = /TEST CLOCK ON/;
const cstDate = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 10);

async function started(clock) {
  const s = new Server(clock);
  await s.init();
  await s.start();
  await s.admin();
  return s;
}

test('a test clock half set is refused with the reason, exit 2, before anything is done', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sj-clock-'));
  try {
    const db = join(dir, 'never.db');
    const cases = [
      [{ SJ_TODAY: TODAY }, /without SJ_TEST_CLOCK=1/],
      [{ SJ_TODAY: TODAY, SJ_TEST_CLOCK: 'yes' }, /without SJ_TEST_CLOCK=1/],
      [{ SJ_TODAY: TODAY, SJ_TEST_CLOCK: '0' }, /without SJ_TEST_CLOCK=1/],
      [{ SJ_TODAY_TIME: '10:00' }, /without SJ_TEST_CLOCK=1/],
      [{ SJ_TEST_CLOCK: '1' }, /needs SJ_TODAY=YYYY-MM-DD/],
      [{ SJ_TEST_CLOCK: '1', SJ_TODAY: '2026-02-30' }, /SJ_TODAY must be a date/],
      [{ SJ_TEST_CLOCK: '1', SJ_TODAY: '20261209' }, /SJ_TODAY must be a date/],
      [{ SJ_TEST_CLOCK: '1', SJ_TODAY: TODAY, SJ_TODAY_TIME: '24:00' }, /SJ_TODAY_TIME must be a time/],
      [{ SJ_TEST_CLOCK: '1', SJ_TODAY: TODAY, SJ_TODAY_TIME: '9:30' }, /SJ_TODAY_TIME must be a time/],
    ];
    for (const [env, why] of cases) {
      for (const cmd of [['init', '--db', 'sqlite:' + db, '--admin', 'admin'], ['serve', '--db', 'sqlite:' + db, '--listen', '127.0.0.1:1'], ['verify', '--db', 'sqlite:' + db]]) {
        const r = await run(cmd, '', { SJ_TEST_CLOCK: '', SJ_TODAY: '', SJ_TODAY_TIME: '', SJ_DATA_KEY: 'ab'.repeat(32), ...env });
        assert.equal(r.code, 2, `${cmd[0]} ${JSON.stringify(env)}: ${r.stderr}`);
        assert.match(r.stderr, why);
        assert.doesNotMatch(r.stderr, BANNER);
      }
      assert.ok(!existsSync(db), 'nothing was created');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('on the test clock every command says so at start, and the server answers the test day from 10:00 on', async () => {
  const s = new Server();
  try {
    const init = await run(['init', '--db', s.db.url, '--admin', 'admin'], ADMIN_PASSWORD + '\n', s.env);
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stderr, BANNER);
    assert.match(init.stderr, new RegExp(`${TODAY} 10:00 \\+08:00`));
    const verify = await run(['verify', '--db', s.db.url], '', s.env);
    assert.equal(verify.code, 0, verify.stderr);
    assert.match(verify.stderr, BANNER);
    await s.start();
    assert.match(s.stderr, BANNER, 'serve prints the banner, --quiet or not');
    const c = expectStatus(await s.api('GET', '/api/v1/clock'), 200);
    assert.equal(c.today, TODAY);
    assert.match(c.now, new RegExp(`^${TODAY}T10:0\\d:\\d\\d\\+08:00$`));
    assert.deepEqual([c.utc_offset, c.time_zone, c.test_clock], ['+08:00', 'Asia/Shanghai', true]);
    assert.ok(Math.abs(c.unix - Date.parse(`${TODAY}T10:00:00+08:00`) / 1000) < 120, JSON.stringify(c));
    const h = expectStatus(await s.api('GET', '/api/v1/health'), 200);
    assert.deepEqual([h.ok, h.test_clock, h.today], [true, true, TODAY]);
    // the clock runs on from its start
    await new Promise((r) => setTimeout(r, 1100));
    const later = expectStatus(await s.api('GET', '/api/v1/clock'), 200);
    assert.ok(later.unix > c.unix, `${later.unix} after ${c.unix}`);
    // what is written is stamped on the test clock: the audit row of a new school is today's
    const A = await s.admin();
    const school = expectStatus(await s.api('POST', '/api/v1/schools', { name: '时钟小学', kind: 'primary', rural: false }, A), 201);
    const a = expectStatus(await s.api('GET', `/api/v1/audit?from=${TODAY}&to=${TODAY}&action=schools`, undefined, A), 200);
    const row = a.items.find((x) => x.target_id === school.id);
    assert.ok(row && row.at.startsWith(TODAY + 'T10:'), JSON.stringify(a.items));
  } finally {
    await s.stop();
  }
});

test('the real clock: no banner, test_clock false, today is the day in China Standard Time', async () => {
  const s = await started({ realClock: true });
  try {
    assert.doesNotMatch(s.stderr, BANNER);
    const before = Date.now();
    const c = expectStatus(await s.api('GET', '/api/v1/clock'), 200);
    const after = Date.now();
    assert.ok([cstDate(before), cstDate(after)].includes(c.today), `${c.today} at ${new Date(before).toISOString()}`);
    assert.equal(c.test_clock, false);
    assert.ok(c.unix >= Math.floor(before / 1000) - 1 && c.unix <= Math.ceil(after / 1000) + 1);
    assert.equal(c.now, new Date(c.unix * 1000 + 8 * 3600e3).toISOString().slice(0, 19) + '+08:00');
    const h = expectStatus(await s.api('GET', '/api/v1/health'), 200);
    assert.equal(h.test_clock, false);
  } finally {
    await s.stop();
  }
});

test('at 00:05 in Beijing (16:05 UTC the day before) the district is on the new day', async () => {
  const day = addDays(TODAY, 1); // a Thursday
  const s = await started({ today: day, time: '00:05' });
  try {
    const c = expectStatus(await s.api('GET', '/api/v1/clock'), 200);
    assert.equal(c.today, day);
    assert.equal(new Date(c.unix * 1000).toISOString().slice(0, 10), TODAY, 'UTC is still on the day before');
    const A = await s.admin();
    const w = await world(s, { grade: 4 });
    // homework: the new day is open, the UTC date is past
    const hw = (date) => ({ class_id: w.cls.id, date, subject: '数学', title: '练习', kind: 'written', minutes: 20 });
    expectStatus(await s.api('POST', '/api/v1/homework', hw(day), w.teacher.token), 201);
    const past = expectStatus(await s.api('POST', '/api/v1/homework', hw(TODAY), w.teacher.token), 400, 'invalid_field').error;
    assert.equal(past.field, 'date');
    const board = expectStatus(await s.api('GET', `/api/v1/classes/${w.cls.id}/homework`, undefined, w.guardian.token), 200);
    assert.equal(board.date, day, 'the board opens on the new day');
    // a policy version may take effect today, not yesterday
    expectStatus(await s.api('PUT', '/api/v1/policy', { effective_from: TODAY, rules: { 'HW-2': { written_minutes_per_day: 50 } } }, A), 400, 'invalid_field');
    const v = expectStatus(await s.api('PUT', '/api/v1/policy', { effective_from: day, rules: { 'HW-2': { written_minutes_per_day: 50 } } }, A), 201);
    assert.equal(v.effective_from, day);
    // the after-school roll: today's is open, tomorrow's not yet
    const p = expectStatus(await s.api('POST', '/api/v1/afterschool/programs', {
      school_id: w.school.id, term: '2026-autumn', name: '课后托管', kind: 'care', provider: 'school', capacity: 10,
      weekdays: [1, 2, 3, 4, 5], start: '15:30', end: '18:00', fee_per_hour_fen: 200, first_day: '2026-09-01', last_day: '2027-01-20',
    }, w.schoolAdmin.token), 201);
    const e = expectStatus(await s.api('POST', '/api/v1/afterschool/enrolments', { program_id: p.id, student_id: w.student.id }, w.guardian.token), 201);
    assert.equal(e.seat_from, day);
    expectStatus(await s.api('POST', `/api/v1/afterschool/programs/${p.id}/attendance`, { date: day, present: [w.student.id] }, w.teacher.token), 204);
    expectStatus(await s.api('POST', `/api/v1/afterschool/programs/${p.id}/attendance`, { date: addDays(day, 1), present: [] }, w.teacher.token), 409, 'roll_not_open');
  } finally {
    await s.stop();
  }
});

for (const [label, day, time] of [['a Saturday at 01:30 (17:30 UTC on Friday)', '2026-12-12', '01:30'], ['a Sunday at 07:50 (23:50 UTC on Saturday)', '2026-12-13', '07:50']]) {
  test(`on ${label} today's roll has no session and the board shows a weekend day`, async () => {
    assert.ok(weekday(day) >= 6);
    const s = await started({ today: day, time });
    try {
      const w = await world(s, { grade: 4 });
      const p = expectStatus(await s.api('POST', '/api/v1/afterschool/programs', {
        school_id: w.school.id, term: '2026-autumn', name: '课后托管', kind: 'care', provider: 'school', capacity: 10,
        weekdays: [1, 2, 3, 4, 5], start: '15:30', end: '18:00', fee_per_hour_fen: 200, first_day: '2026-09-01', last_day: '2027-01-20',
      }, w.schoolAdmin.token), 201);
      const e = expectStatus(await s.api('POST', '/api/v1/afterschool/enrolments', { program_id: p.id, student_id: w.student.id }, w.guardian.token), 201);
      assert.equal(e.seat_from, day);
      const ns = expectStatus(await s.api('POST', `/api/v1/afterschool/programs/${p.id}/attendance`, { date: day, present: [w.student.id] }, w.teacher.token), 422, 'no_session').error;
      assert.equal(ns.date, day);
      const board = expectStatus(await s.api('GET', `/api/v1/classes/${w.cls.id}/homework`, undefined, w.guardian.token), 200);
      assert.deepEqual([board.date, board.day_kind], [day, 'weekend']);
    } finally {
      await s.stop();
    }
  });
}

test('the demo is made for the week of the test clock\'s day, here a Sunday at 23:50 (15:50 UTC)', async () => {
  const day = '2026-12-13', monday = '2026-12-07';
  const s = new Server({ today: day, time: '23:50' });
  try {
    const r = await run(['demo', '--db', s.db.url, '--scale', 'small'], '', s.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, BANNER);
    await s.start();
    const t = await s.login('teacher1', 'shuangjian2026');
    // the items of this week's school days, today's and tomorrow's (a Monday)
    const mine = expectStatus(await s.api('GET', `/api/v1/homework?mine=1&from=${monday}&to=${addDays(day, 1)}&limit=500`, undefined, t), 200);
    const dates = new Set(mine.items.map((i) => i.date));
    for (const d of [day, addDays(day, 1)]) assert.ok(dates.has(d), `${d} in ${[...dates].join()}`);
    assert.ok([0, 1, 2, 3, 4].some((k) => dates.has(addDays(monday, k))), [...dates].join());
    // the week around it as the calendar has it: five school days, the weekend, Monday
    const A = await s.login('admin', 'shuangjian2026');
    const cal = expectStatus(await s.api('GET', `/api/v1/calendar?from=${monday}&to=${addDays(day, 1)}`, undefined, A), 200);
    assert.deepEqual(cal.items.map((d) => d.kind), ['school', 'school', 'school', 'school', 'school', 'weekend', 'weekend', 'school']);
  } finally {
    await s.stop();
  }
});
