import { describe, expect, it } from 'vitest';
import { globToRegExp, sourceKey, withoutCredentials } from './poll-url.js';

describe('polled URLs', () => {
  it('drops user and password, and keys a source by the URL without them', () => {
    expect(withoutCredentials('ftp://legacy:s3cret@files.example.org:2121/exports/')).toBe(
      'ftp://files.example.org:2121/exports/',
    );
    expect(sourceKey('ftp://a:b@h/x')).toBe(sourceKey('ftp://c:d@h/x'));
    expect(sourceKey('ftp://h/x')).not.toBe(sourceKey('ftp://h/y'));
  });

  it('matches globs: * any run, ? one character, the rest literal', () => {
    const csv = globToRegExp('*.csv');
    expect(['a.csv', '.csv', 'site-1.csv'].every((n) => csv.test(n))).toBe(true);
    expect(['a.csv.tmp', 'a_csv', 'a.CSV'].some((n) => csv.test(n))).toBe(false);
    const day = globToRegExp('data-??.json');
    expect(day.test('data-01.json')).toBe(true);
    expect(day.test('data-1.json')).toBe(false);
    expect(globToRegExp('a+(b).txt').test('a+(b).txt')).toBe(true);
  });
});
