// Runs one SDK call and keeps its outcome, success or HTTP error, as plain JSON.
'use strict';

async function record(calls, name, request) {
  try {
    const response = await request();
    calls[name] = { ok: true, url: response.config.url, data: response.data };
  } catch (error) {
    const response = error.response;
    calls[name] = response
      ? { ok: false, url: response.config && response.config.url, status: response.status, error: response.data }
      : { ok: false, status: null, error: String(error && error.message ? error.message : error) };
  }
}

module.exports = { record };
