import { describe, expect, it } from 'vitest';
import { deriveBaseTopic, topicProblem, zoneProblem } from './base-topic.js';

const at = (over: Partial<Parameters<typeof deriveBaseTopic>[0]>) =>
  deriveBaseTopic({ siteSlug: 'ut3', siteIsDefault: true, buildingSlug: null, roomSlug: null, outdoor: null, ...over });

describe('base topics (neOCampus layout)', () => {
  it('default site: <building>/<room>', () => {
    expect(at({ buildingSlug: 'u4', roomSlug: '301' })).toBe('u4/301');
    expect(at({ buildingSlug: 'irit2', roomSlug: '366' })).toBe('irit2/366');
    expect(at({ buildingSlug: 'bu' })).toBe('bu');
    expect(at({})).toBeNull();
  });

  it('default site outdoors: outside/<zone>', () => {
    expect(at({ outdoor: 'ambient' })).toBe('outside/ambient');
    expect(at({ outdoor: 'access' })).toBe('outside/access');
  });

  it('other sites: abroad/<site>/…', () => {
    const carcassonne = { siteSlug: 'carcassonne', siteIsDefault: false };
    expect(at({ ...carcassonne, buildingSlug: 'iut', roomSlug: 'a1' })).toBe('abroad/carcassonne/iut/a1');
    expect(at({ ...carcassonne, outdoor: 'roof' })).toBe('abroad/carcassonne/outside/roof');
    expect(at(carcassonne)).toBe('abroad/carcassonne');
  });

  it('refuses wildcards, empty levels, $ topics and white space', () => {
    expect(topicProblem('u4/302')).toBeUndefined();
    expect(topicProblem('Lab/Bench-1')).toBeUndefined();
    expect(topicProblem('u4/+')).toMatch(/wildcard/);
    expect(topicProblem('u4/#')).toMatch(/wildcard/);
    expect(topicProblem('$SYS/x')).toMatch(/\$/);
    expect(topicProblem('/u4/302')).toMatch(/empty level/);
    expect(topicProblem('u4/302/')).toMatch(/empty level/);
    expect(topicProblem('u4//302')).toMatch(/empty level/);
    expect(topicProblem('')).toMatch(/empty/);
    expect(topicProblem('u4/3 02')).toMatch(/white space/);
    expect(topicProblem('x'.repeat(201))).toMatch(/longer/);
  });

  it('accepts slug-level outdoor zones only', () => {
    expect(zoneProblem('ambient')).toBeUndefined();
    expect(zoneProblem('access/north')).toBeUndefined();
    expect(zoneProblem('Ambient')).toBeDefined();
    expect(zoneProblem('a//b')).toBeDefined();
    expect(zoneProblem('a/+')).toBeDefined();
  });
});
