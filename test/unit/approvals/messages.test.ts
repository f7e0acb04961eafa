import {
  APPROVE_ACTION_ID, DENY_ACTION_ID, LIMITS, approvalRequestMessage, decidedMessage, executionConsoleUrl, planBlocks, principal,
  type Block, type SlackMessageBody,
} from '../../../functions/approvals/messages';
import { EXECUTION_ARN, TASK_TOKEN, approvalRecord } from './request-fixture';

const URL_ = executionConsoleUrl(EXECUTION_ARN);

/** Every Block Kit limit this message must respect (docs.slack.dev Block Kit reference). */
function expectWithinLimits(msg: SlackMessageBody): void {
  expect(msg.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
  for (const b of msg.blocks as Block[]) {
    if (b.type === 'header') {
      expect(b.text.type).toBe('plain_text');
      expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.header);
    }
    if (b.type === 'section') {
      if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.section);
      for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(LIMITS.field);
      expect((b.fields ?? []).length).toBeLessThanOrEqual(LIMITS.fields);
      expect(b.text ?? b.fields).toBeDefined();
    }
    if (b.type === 'context') expect(b.elements.length).toBeLessThanOrEqual(LIMITS.contextElements);
    if (b.type === 'actions') {
      for (const e of b.elements) {
        expect(e.text.text.length).toBeLessThanOrEqual(LIMITS.buttonText);
        expect(e.value.length).toBeLessThanOrEqual(LIMITS.buttonValue);
        expect(e.action_id.length).toBeLessThanOrEqual(255);
        if (e.confirm) {
          expect(e.confirm.title.text.length).toBeLessThanOrEqual(LIMITS.confirmTitle);
          expect(e.confirm.text.text.length).toBeLessThanOrEqual(LIMITS.confirmText);
          expect(e.confirm.confirm.text.length).toBeLessThanOrEqual(LIMITS.confirmButton);
          expect(e.confirm.deny.text.length).toBeLessThanOrEqual(LIMITS.confirmButton);
        }
      }
    }
  }
}

/** Every mrkdwn string of a message (where Slack parses &, <, >). */
function mrkdwnTexts(msg: SlackMessageBody): string[] {
  const out = [msg.text];
  for (const b of msg.blocks as Block[]) {
    if (b.type === 'section') out.push(...[b.text, ...(b.fields ?? [])].filter((t) => t?.type === 'mrkdwn').map((t) => t!.text));
    if (b.type === 'context') out.push(...b.elements.filter((t) => t.type === 'mrkdwn').map((t) => t.text));
  }
  return out;
}

const actions = (msg: SlackMessageBody) => (msg.blocks as Block[]).filter((b) => b.type === 'actions');

describe('approvalRequestMessage', () => {
  const msg = approvalRequestMessage(approvalRecord(), { executionUrl: URL_, account: '444455556666', region: 'eu-west-1' });

  test('Approve (primary) and Deny (danger, confirmed) carry the approval id, never the task token', () => {
    const [block, ...more] = actions(msg);
    expect(more).toEqual([]);
    expect(block).toMatchObject({ type: 'actions' });
    const [approve, deny] = (block as Extract<Block, { type: 'actions' }>).elements;
    expect(approve).toEqual({ type: 'button', action_id: APPROVE_ACTION_ID, text: { type: 'plain_text', text: 'Approve' }, style: 'primary', value: 'ABCDEFGHIJKLMNOP' });
    expect(deny).toMatchObject({ action_id: DENY_ACTION_ID, style: 'danger', value: 'ABCDEFGHIJKLMNOP' });
    expect(deny!.confirm).toMatchObject({ title: { type: 'plain_text' }, confirm: { text: 'Deny' }, deny: { text: 'Cancel' }, style: 'danger' });
    expect(APPROVE_ACTION_ID).toBe('warden_approve');
    expect(DENY_ACTION_ID).toBe('warden_deny');
    const json = JSON.stringify(msg);
    expect(json).not.toContain(TASK_TOKEN);
    expect(json).not.toContain('x9TokenSecretPart');
  });

  test('header, facts, who/when, the exact plan, the execution link, the deadline and approvers', () => {
    const json = JSON.stringify(msg);
    expect(msg.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Approval needed: disable service public ip on service/prod/web' } });
    expect(msg.blocks[1]).toEqual({
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: '*Control*\necs-service-public-ip' },
        { type: 'mrkdwn', text: '*Severity*\nHIGH' },
        { type: 'mrkdwn', text: '*Resource*\nAWS::ECS::Service arn:aws:ecs:eu-west-1:444455556666:service/prod/web' },
        { type: 'mrkdwn', text: '*Account / region*\n444455556666 / eu-west-1' },
      ],
    });
    const texts = mrkdwnTexts(msg).join('\n');
    expect(texts).toContain('*What changed, who and when*');
    expect(texts).toContain('`arn:aws:sts::444455556666:assumed-role/dev/alice`');
    expect(texts).toContain('<!date^1795168800^{date_short_pretty} at {time}|2026-11-20 10:00 UTC>'); // changedAt
    expect(texts).toContain('• update-service prod/web: assignPublicIp ENABLED -&gt; DISABLED (new deployment)');
    expect(texts).toContain(`<${URL_}|Open the Step Functions execution>`);
    expect(texts).toContain('*Decide by <!date^1795173605^{date_short_pretty} at {time}|2026-11-20 11:20 UTC>*');
    expect(texts).toContain('Who may decide: <@U0ALICE>, <!subteam^S0SRE>, `arn:aws:iam::111122223333:role/responder`');
    expect(texts).toContain('`warden approve ABCDEFGHIJKLMNOP`');
    expect(msg.text).toBe(
      'Approval needed: disable service public ip on service/prod/web (ecs-service-public-ip, HIGH). Decide by <!date^1795173605^{date_short_pretty} at {time}|2026-11-20 11:20 UTC>.',
    );
    expect(json).not.toContain('Escalated');
    expectWithinLimits(msg);
  });

  test('the console link is built from the execution ARN and its region', () => {
    expect(URL_).toBe(
      `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${EXECUTION_ARN}`,
    );
    expect(executionConsoleUrl('arn:aws-cn:states:cn-north-1:1:execution:sm:x')).toBe(
      'https://cn-north-1.console.amazonaws.cn/states/home?region=cn-north-1#/v2/executions/details/arn:aws-cn:states:cn-north-1:1:execution:sm:x',
    );
  });

  test('escalated: says nobody decided in time', () => {
    const esc = approvalRequestMessage(approvalRecord({ stage: 'escalated', channel: '#sec-escalations' }), { executionUrl: URL_, escalated: true });
    expect((esc.blocks[0] as Extract<Block, { type: 'header' }>).text.text).toBe('Escalated: approval needed: disable service public ip on service/prod/web');
    expect(mrkdwnTexts(esc).join('\n')).toMatch(/\*Escalated:\* nobody decided in the owner channel before the first deadline/);
    expect(esc.text.startsWith('Escalated: approval needed')).toBe(true);
    expect(actions(esc)).toHaveLength(1);
    expectWithinLimits(esc);
  });

  test('attacker-controlled values are mrkdwn-escaped: no mention, link or markup escapes', () => {
    const evil = approvalRecord({
      resourceId: 'sg-1 <!channel> & <https://evil.example|click>',
      requester: 'arn:aws:iam::1:user/<!here>',
      changedAt: '<!everyone>',
      steps: ['revoke <@U0BOSS> & friends > 0.0.0.0/0', 'tag `x` <script>'],
    });
    const m = approvalRequestMessage(evil, { executionUrl: URL_ });
    for (const t of mrkdwnTexts(m)) {
      // The only raw < > allowed are the ones we make: dates, the console link, approver mentions.
      const ours = t.replace(/<!date\^\d+\^[^|>]+\|[^>]+>/g, '').replace(/<https:\/\/[^|>\s]+\|[^>]+>/g, '').replace(/<@U0ALICE>|<!subteam\^S0SRE>/g, '');
      expect(ours).not.toMatch(/[<>]/);
      expect(ours).not.toMatch(/&(?!amp;|lt;|gt;)/);
    }
    const all = mrkdwnTexts(m).join('\n');
    expect(all).toContain('&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
    expect(all).toContain('revoke &lt;@U0BOSS&gt; &amp; friends &gt; 0.0.0.0/0');
    expect(all).toContain('&lt;!everyone&gt;');
  });

  test('limits: a huge plan and long ids stay within Block Kit limits, and say what was left out', () => {
    const steps = Array.from({ length: 400 }, (_, i) => `step ${i}: ${'revoke sgr-0123 tcp/22 from 0.0.0.0/0 & more '.repeat(12)}`);
    const huge = approvalRecord({ resourceId: `arn:aws:ecs:eu-west-1:1:service/${'x'.repeat(400)}`, steps: [...steps, 'y'.repeat(5000)] });
    const m = approvalRequestMessage(huge, { executionUrl: URL_, escalated: true });
    expectWithinLimits(m);
    expect(m.text.length).toBeLessThanOrEqual(LIMITS.section);
    const texts = mrkdwnTexts(m).join('\n');
    expect(texts).toMatch(/…and \d+ more steps: see the execution for the whole plan\./);
    expect(actions(m)).toHaveLength(1); // the buttons survive any trimming
    expect((m.blocks[0] as Extract<Block, { type: 'header' }>).text.text).toHaveLength(LIMITS.header);
  });

  test('planBlocks: splits at 3000 chars, keeps every step when they fit, and handles an empty plan', () => {
    const steps = Array.from({ length: 60 }, (_, i) => `step ${i} ${'z'.repeat(100)}`);
    const blocks = planBlocks(steps, 'Plan');
    expect(blocks.length).toBeGreaterThan(1);
    const text = blocks.map((b) => (b as Extract<Block, { type: 'section' }>).text!.text).join('\n');
    for (let i = 0; i < 60; i++) expect(text).toContain(`• step ${i} `);
    expect(text).not.toContain('more step');
    expect(planBlocks([], 'Plan')).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '*Plan*\n_No steps in the plan._' } }]);
  });

  test('principal: users and groups become mentions, anything else is code', () => {
    expect(principal('U012AB3CD')).toBe('<@U012AB3CD>');
    expect(principal('W012AB3CD')).toBe('<@W012AB3CD>');
    expect(principal('S0614TZR7')).toBe('<!subteam^S0614TZR7>');
    expect(principal('arn:aws:iam::1:role/x')).toBe('`arn:aws:iam::1:role/x`');
    expect(principal('<!channel>')).toBe('`&lt;!channel&gt;`');
  });
});

describe('decidedMessage', () => {
  const decided = (status: 'approved' | 'denied' | 'expired', over = {}) =>
    approvalRecord({ status, decidedBy: 'U0ALICE', decidedAt: '2026-11-20T10:05:00Z', ...over });

  test.each(['approved', 'denied', 'expired', 'already-decided'] as const)('%s: no buttons, no token, within limits', (outcome) => {
    const m = decidedMessage(decided(outcome === 'already-decided' ? 'approved' : outcome), outcome);
    expect(actions(m)).toEqual([]);
    expect(JSON.stringify(m)).not.toContain(TASK_TOKEN);
    expectWithinLimits(m);
  });

  test('approved: by whom and when', () => {
    const m = decidedMessage(decided('approved'), 'approved');
    expect((m.blocks[0] as Extract<Block, { type: 'header' }>).text.text).toBe('Approved: disable service public ip on service/prod/web');
    expect(mrkdwnTexts(m).join('\n')).toContain(':white_check_mark: *Approved* by <@U0ALICE> at <!date^1795169100^{date_short_pretty} at {time}|2026-11-20 10:05 UTC>.');
  });

  test('denied: by an IAM principal (CLI), with the reason escaped', () => {
    const m = decidedMessage(decided('denied', { reason: 'prod freeze <!channel>' }), 'denied', 'arn:aws:iam::1:role/responder', '2026-11-20T10:06:00Z');
    const t = mrkdwnTexts(m).join('\n');
    expect(t).toContain(':no_entry: *Denied* by `arn:aws:iam::1:role/responder` at <!date^1795169160^');
    expect(t).toContain('Nothing will be changed.\nReason: prod freeze &lt;!channel&gt;');
  });

  test('expired: the initial request says it was escalated, the escalated one that the timeout outcome applies', () => {
    const first = mrkdwnTexts(decidedMessage(decided('expired'), 'expired')).join('\n');
    expect(first).toContain(':hourglass: *Expired*: nobody decided by <!date^1795173605^');
    expect(first).toContain('The request was escalated.');
    const second = mrkdwnTexts(decidedMessage(decided('expired', { stage: 'escalated' }), 'expired')).join('\n');
    expect(second).toContain("The policy's timeout outcome applies.");
  });

  test('already decided: credits the decision that counted, not the late clicker', () => {
    const m = decidedMessage(decided('denied'), 'already-decided', 'U0LATE', '2026-11-20T10:09:00Z');
    const t = mrkdwnTexts(m).join('\n');
    expect((m.blocks[0] as Extract<Block, { type: 'header' }>).text.text).toBe('Already decided: disable service public ip on service/prod/web');
    expect(t).toContain('this request was already denied by <@U0ALICE>');
    expect(t).not.toContain('U0LATE');
  });
});
