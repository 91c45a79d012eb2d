import { describe, expect, it } from 'vitest';
import { maskUrlPassword, redactQuerySecrets, redactUrlCredentials } from './url.js';

describe('redactUrlCredentials', () => {
  it('removes the userinfo and secret query parameters, keeping host, path and other parameters', () => {
    expect(redactUrlCredentials('postgres://u:p1@h:5432/db?password=p2&application_name=x')).toBe(
      'postgres://***@h:5432/db?password=***&application_name=x',
    );
    expect(redactUrlCredentials('amqp://guest:guest@127.0.0.1:5672/vh')).toBe('amqp://***@127.0.0.1:5672/vh');
    expect(redactUrlCredentials('mqtt://user@broker')).toBe('mqtt://***@broker');
    expect(redactUrlCredentials('postgres://h/db?sslPassword=a;token=b')).toBe('postgres://h/db?sslPassword=***;token=***');
    expect(redactUrlCredentials('sqlite:/var/lib/polder.db')).toBe('sqlite:/var/lib/polder.db');
    expect(redactUrlCredentials('https://h/x@y')).toBe('https://h/x@y');
  });
});

describe('redactQuerySecrets', () => {
  it('masks secret query values of a request path and nothing else', () => {
    expect(redactQuerySecrets('/v1/ingest/http?token=abc&device=d1')).toBe('/v1/ingest/http?token=***&device=d1');
    expect(redactQuerySecrets('/x?api_key=1&KEY=2&keyboard=3')).toBe('/x?api_key=***&KEY=***&keyboard=3');
    expect(redactQuerySecrets('/plain/path')).toBe('/plain/path');
  });
});

describe('maskUrlPassword', () => {
  it('masks only the password, keeping the user', () => {
    expect(maskUrlPassword('ftp://meteo:p%40ss@ftp.example.org:2121/out')).toBe('ftp://meteo:***@ftp.example.org:2121/out');
    expect(maskUrlPassword('https://example.org/x?a=1')).toBe('https://example.org/x?a=1');
    expect(maskUrlPassword('not a url')).toBe('not a url');
  });
});
