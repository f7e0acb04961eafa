// The catalog first: the service control judges its task definition with the catalog's task-definition controls.
import '../../../functions/domain/controls';
import { ecsServiceNoncompliantTaskDefinition as control } from '../../../functions/domain/controls/ecs-service-noncompliant-task-definition';
import { container, policy, serviceObs, taskDefinition } from './fixtures';
import { flaggedCases } from './shared';

describe('ecs-service-noncompliant-task-definition', () => {
  test('a service running a root, privileged revision: one notify finding naming the failing controls', () => {
    const definition = taskDefinition([container({ name: 'web', user: undefined, privileged: true })]);
    const o = serviceObs({ taskDefinition: 'web:3', definition }, { eventName: 'CreateService' });
    const { findings } = control.evaluate(o, policy());
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'HIGH', remediation: { action: 'notify-owner', mode: 'notify', targets: [o.resource.id] } });
    expect(findings[0]?.evidence).toBe('service web runs web:3, which fails ecs-task-privileged (web); ecs-task-root-user (web)'); // catalog (file-name) order
  });
  test('a compliant revision is fine', () => {
    expect(control.evaluate(serviceObs({ taskDefinition: 'web:3', definition: taskDefinition() }), policy()).findings).toEqual([]);
  });
  test('controls disabled in policy are not counted', () => {
    const definition = taskDefinition([container({ user: undefined })]);
    const p = policy({ controls: { 'ecs-task-root-user': { enabled: false } } });
    expect(control.evaluate(serviceObs({ definition }), p).findings).toEqual([]);
  });
  test('without the definition: no finding, a needs-live-state note', () => {
    const r = control.evaluate(serviceObs({ taskDefinition: 'web:3' }, { eventName: 'CreateService' }), policy());
    expect(r).toEqual({ findings: [], note: 'needs live state: the task definition is not in the event' });
  });
  test('a partial update that does not touch the task definition is fine', () => {
    expect(control.evaluate(serviceObs({ partial: true }, { eventName: 'UpdateService' }), policy())).toEqual({ findings: [] });
  });
  flaggedCases(control, 'AWS::ECS::Service');
});
