#!/usr/bin/env node
// Reads the public catalog of a kalshi-local server through the official
// kalshi-typescript SDK and prints one JSON summary on stdout.
//
// usage: node catalog.js BASE_URL INPUTS_JSON
//   BASE_URL     e.g. http://127.0.0.1:8000/trade-api/v2
//   INPUTS_JSON  {"series_ticker", "event_ticker", "market_ticker", "milestone_id",
//                 "structured_target_ids": [...], "live_data": [{"milestone_id", "type"}],
//                 "live_data_batch_ids": [...]}
//
// Every call is recorded on its own, so one failing endpoint does not hide the others:
//   {"calls": {NAME: {"ok": true, "url": ..., "data": ...} | {"ok": false, "status": ..., "error": ...}}}
'use strict';

const {
  Configuration,
  EventsApi,
  LiveDataApi,
  MarketApi,
  MilestoneApi,
  StructuredTargetsApi,
} = require('kalshi-typescript');

const { record } = require('./record');

async function main() {
  const [basePath, inputsJson] = process.argv.slice(2);
  if (!basePath || !inputsJson) {
    process.stderr.write('usage: node catalog.js BASE_URL INPUTS_JSON\n');
    process.exit(2);
  }
  const inputs = JSON.parse(inputsJson);
  // No apiKey: these are public endpoints, and an authenticated API object would sign every request.
  const config = new Configuration({ basePath });
  const markets = new MarketApi(config);
  const events = new EventsApi(config);
  const milestones = new MilestoneApi(config);
  const targets = new StructuredTargetsApi(config);
  const liveData = new LiveDataApi(config);

  const calls = {};
  await record(calls, 'get_markets', () => markets.getMarkets(1000, undefined, inputs.event_ticker));
  await record(calls, 'get_market', () => markets.getMarket(inputs.market_ticker));
  await record(calls, 'get_events', () => events.getEvents(200, undefined, true, true, undefined, inputs.series_ticker));
  await record(calls, 'get_event', () => events.getEvent(inputs.event_ticker, true));
  await record(calls, 'get_series_list', () => markets.getSeriesList());
  await record(calls, 'get_series', () => markets.getSeries(inputs.series_ticker));
  await record(calls, 'get_milestones', () => milestones.getMilestones(500));
  await record(calls, 'get_milestone', () => milestones.getMilestone(inputs.milestone_id));
  await record(calls, 'get_structured_targets', () => targets.getStructuredTargets(inputs.structured_target_ids));
  await record(calls, 'get_structured_target', () => targets.getStructuredTarget(inputs.structured_target_ids[0]));
  const live = inputs.live_data[0];
  await record(calls, 'get_live_data', () => liveData.getLiveData(live.type, live.milestone_id));
  await record(calls, 'get_live_data_by_milestone', () => liveData.getLiveDataByMilestone(live.milestone_id));
  await record(calls, 'get_live_datas', () => liveData.getLiveDatas(inputs.live_data_batch_ids));

  process.stdout.write(JSON.stringify({ calls }) + '\n');
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
