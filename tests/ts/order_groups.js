#!/usr/bin/env node
// One trader runs the order-group rules through the official kalshi-typescript SDK's
// OrderGroupsApi: create, read, a resting order in the group, the limit update, trigger,
// reset and delete; a second trader fills the group's order to hit its limit. One JSON
// summary is printed on stdout.
//
// usage: KALSHI_OWNER_KEY_ID=... KALSHI_OWNER_PEM=... KALSHI_TAKER_KEY_ID=... KALSHI_TAKER_PEM=... \
//          node order_groups.js BASE_URL TICKER
//   BASE_URL  e.g. http://127.0.0.1:8000/trade-api/v2
//   TICKER    an active linear_cent market with an empty book
//
// Every call is recorded on its own: {"calls": {NAME: {"ok", "url", "method", "body", "data" | "status" and "error"}}}
'use strict';

const axios = require('axios');
const { Configuration, OrderGroupsApi, OrdersApi } = require('kalshi-typescript');

const { record } = require('./record');

function trader(basePath, apiKey, privateKeyPem) {
  const config = new Configuration({ basePath, apiKey, privateKeyPem });
  const http = axios.create();
  return { groups: new OrderGroupsApi(config, undefined, http), orders: new OrdersApi(config, undefined, http) };
}

function order(ticker, side, count, price, groupId, timeInForce = 'good_till_canceled') {
  const body = { ticker, side, count, price, time_in_force: timeInForce, self_trade_prevention_type: 'taker_at_cross' };
  if (groupId) body.order_group_id = groupId;
  return body;
}

async function main() {
  const [basePath, ticker] = process.argv.slice(2);
  const owner = trader(basePath, process.env.KALSHI_OWNER_KEY_ID, process.env.KALSHI_OWNER_PEM);
  const taker = trader(basePath, process.env.KALSHI_TAKER_KEY_ID, process.env.KALSHI_TAKER_PEM);
  const calls = {};
  await record(calls, 'create', () => owner.groups.createOrderGroup({ contracts_limit: 5 }));
  const id = calls.create.ok ? calls.create.data.order_group_id : 'missing';
  await record(calls, 'list', () => owner.groups.getOrderGroups());
  await record(calls, 'rest', () => owner.orders.createOrderV2(order(ticker, 'ask', '10', '0.6000', id)));
  await record(calls, 'limit', () => owner.groups.updateOrderGroupLimit(id, { contracts_limit_fp: '4.00' }));
  await record(calls, 'get_armed', () => owner.groups.getOrderGroup(id));
  await record(calls, 'fill', () =>
    taker.orders.createOrderV2(order(ticker, 'bid', '4', '0.6000', null, 'immediate_or_cancel')),
  );
  await record(calls, 'get_hit', () => owner.groups.getOrderGroup(id));
  await record(calls, 'refused', () => owner.orders.createOrderV2(order(ticker, 'ask', '1', '0.6000', id)));
  await record(calls, 'reset', () => owner.groups.resetOrderGroup(id));
  await record(calls, 'rest_again', () => owner.orders.createOrderV2(order(ticker, 'ask', '1', '0.6000', id)));
  await record(calls, 'trigger', () => owner.groups.triggerOrderGroup(id));
  await record(calls, 'get_triggered', () => owner.groups.getOrderGroup(id));
  await record(calls, 'delete', () => owner.groups.deleteOrderGroup(id));
  await record(calls, 'get_deleted', () => owner.groups.getOrderGroup(id));
  process.stdout.write(JSON.stringify({ calls, order_group_id: id }));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(1);
});
