// Runs one SDK call and keeps its outcome, success or HTTP error, as plain JSON,
// with the method and JSON body the SDK sent (null when it sent none).
'use strict';

function sent(config) {
  if (!config) return { method: null, body: null };
  const data = config.data;
  return {
    method: config.method ? config.method.toUpperCase() : null,
    body: typeof data === 'string' && data !== '' ? JSON.parse(data) : data === undefined ? null : data,
  };
}

async function record(calls, name, request) {
  try {
    const response = await request();
    calls[name] = { ok: true, url: response.config.url, ...sent(response.config), status: response.status, data: response.data };
  } catch (error) {
    const response = error.response;
    calls[name] = response
      ? { ok: false, url: response.config && response.config.url, ...sent(response.config), status: response.status, error: response.data }
      : { ok: false, status: null, error: String(error && error.message ? error.message : error) };
  }
}

module.exports = { record };
