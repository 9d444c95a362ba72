#!/usr/bin/env node
// Two traders trade one market through the official kalshi-typescript SDK (V2 orders,
// the order book and the portfolio reads) and one JSON summary is printed on stdout.
//
// usage: KALSHI_MAKER_KEY_ID=... KALSHI_MAKER_PEM=... KALSHI_TAKER_KEY_ID=... KALSHI_TAKER_PEM=... \
//          node orders.js BASE_URL TICKER
//   BASE_URL  e.g. http://127.0.0.1:8000/trade-api/v2
//   TICKER    an active linear_cent market with an empty book
// Keys travel in the environment so the PEMs stay out of the process list.
//
// Every call is recorded on its own, so one refused request does not hide the others:
//   {"calls": {NAME: {"ok", "url", "method", "body", "data" | "status" and "error"}},
//    "signer": {NAME: "maker" | "taker"}}
'use strict';

const axios = require('axios');
const { Configuration, MarketApi, OrdersApi, PortfolioApi } = require('kalshi-typescript');

const { record } = require('./record');

// Each API object adds its signing interceptor to the axios instance it is given,
// so each trader gets an instance of its own.
function trader(basePath, apiKey, privateKeyPem) {
  const config = new Configuration({ basePath, apiKey, privateKeyPem });
  const http = axios.create();
  return {
    orders: new OrdersApi(config, undefined, http),
    portfolio: new PortfolioApi(config, undefined, http),
    market: new MarketApi(config, undefined, http),
  };
}

function order(ticker, side, count, price, clientOrderId, timeInForce = 'good_till_canceled') {
  return {
    ticker,
    client_order_id: clientOrderId,
    side,
    count,
    price,
    time_in_force: timeInForce,
    self_trade_prevention_type: 'taker_at_cross',
  };
}

async function trade(calls, signer, maker, taker, ticker) {
  const as = (who, name, request) => {
    signer[name] = who === maker ? 'maker' : 'taker';
    return record(calls, name, request);
  };
  // A bid that rests, then an ask from the other trader that crosses part of it.
  await as(maker, 'create_resting', () => maker.orders.createOrderV2(order(ticker, 'bid', '10', '0.4000', 'ts-m-1')));
  await as(taker, 'create_crossing', () =>
    taker.orders.createOrderV2(order(ticker, 'ask', '4.00', '0.40', 'ts-t-1', 'immediate_or_cancel')),
  );
  // Two more bids and one off the price grid, which fails on its own.
  await as(maker, 'batch_create', () =>
    maker.orders.batchCreateOrdersV2({
      orders: [
        order(ticker, 'bid', '2', '0.30', 'ts-m-2'),
        order(ticker, 'bid', '2', '0.31', 'ts-m-3'),
        order(ticker, 'bid', '1', '0.305', 'ts-m-4'),
      ],
    }),
  );
  // An ask that rests, so the book has both sides.
  // SDK 3.30 also knows subaccount and exchange_index (0 is the primary account and the only exchange).
  await as(taker, 'create_ask', () =>
    taker.orders.createOrderV2({ ...order(ticker, 'ask', '3', '0.60', 'ts-t-2'), subaccount: 0, exchange_index: 0 }),
  );

  await readBook(calls, as, maker, ticker, 'mid');
  await readPortfolio(calls, as, maker, taker, ticker, 'mid');

  const restingId = calls.create_resting.ok ? calls.create_resting.data.order_id : 'missing';
  await as(maker, 'amend', () =>
    maker.orders.amendOrderV2(restingId, {
      ticker,
      side: 'bid',
      price: '0.42',
      count: '9',
      client_order_id: 'ts-m-1',
      updated_client_order_id: 'ts-m-1b',
    }),
  );
  await as(maker, 'decrease', () => maker.orders.decreaseOrderV2(restingId, { reduce_by: '1', market_ticker: ticker, exchange_index: 0 }, 0));
  await as(maker, 'cancel', () => maker.orders.cancelOrderV2(restingId));

  const batched = calls.batch_create.ok ? calls.batch_create.data.orders.filter((o) => o.order_id) : [];
  await as(maker, 'batch_cancel', () =>
    maker.orders.batchCancelOrdersV2({
      orders: [
        ...batched.map((o) => ({ order_id: o.order_id, subaccount: 0, market_ticker: ticker, exchange_index: 0 })),
        { order_id: 'no-such-order' },
      ],
    }),
  );
  const askId = calls.create_ask.ok ? calls.create_ask.data.order_id : 'missing';
  await as(taker, 'cancel_ask', () => taker.orders.cancelOrderV2(askId, 0, 0, ticker));

  // Refusals, which change nothing: the SDK rejects its promise with Kalshi's error body.
  await as(taker, 'refused_insufficient_balance', () =>
    taker.orders.createOrderV2(order(ticker, 'bid', '100000', '0.50', 'ts-t-3')),
  );
  await as(taker, 'refused_fill_or_kill', () =>
    taker.orders.createOrderV2(order(ticker, 'bid', '1', '0.50', 'ts-t-4', 'fill_or_kill')),
  );
  await as(maker, 'refused_cancel_of_a_cancelled_order', () => maker.orders.cancelOrderV2(restingId));
  await as(taker, 'refused_cancel_of_another_users_order', () => taker.orders.cancelOrderV2(restingId));

  await readBook(calls, as, maker, ticker, 'end');
  await readPortfolio(calls, as, maker, taker, ticker, 'end');
}

async function readBook(calls, as, who, ticker, when) {
  await as(who, `orderbook_${when}`, () => who.market.getMarketOrderbook(ticker));
  await as(who, `orderbook_depth_1_${when}`, () => who.market.getMarketOrderbook(ticker, 1));
}

async function readPortfolio(calls, as, maker, taker, ticker, when) {
  for (const [role, who] of [['maker', maker], ['taker', taker]]) {
    await as(who, `balance_${role}_${when}`, () => who.portfolio.getBalance());
    await as(who, `positions_${role}_${when}`, () => who.portfolio.getPositions(undefined, undefined, undefined, ticker));
    await as(who, `fills_${role}_${when}`, () => who.portfolio.getFills(ticker));
    await as(who, `orders_${role}_${when}`, () => who.orders.getOrders(ticker));
  }
  await as(maker, `resting_value_maker_${when}`, () => maker.portfolio.getPortfolioRestingOrderTotalValue());
  // The filters and the cursor, with the subaccount and exchange_index that SDK 3.30 can send.
  await as(maker, `orders_maker_resting_${when}`, () => maker.orders.getOrders(ticker, undefined, undefined, undefined, 'resting'));
  await as(maker, `orders_maker_page_1_${when}`, () =>
    maker.orders.getOrders(ticker, undefined, undefined, undefined, undefined, 2, undefined, 0, 0),
  );
  const page1 = calls[`orders_maker_page_1_${when}`];
  const cursor = page1.ok && page1.data.cursor ? page1.data.cursor : 'missing';
  await as(maker, `orders_maker_page_2_${when}`, () =>
    maker.orders.getOrders(ticker, undefined, undefined, undefined, undefined, 2, cursor, 0, 0),
  );
  await as(taker, `balance_taker_primary_${when}`, () => taker.portfolio.getBalance(0, 0));
  await as(taker, `positions_taker_nonzero_${when}`, () =>
    taker.portfolio.getPositions(undefined, 10, 'position', undefined, undefined, 0, 0),
  );
  const fillOf = calls.create_crossing.ok ? calls.create_crossing.data.order_id : 'missing';
  await as(taker, `fills_taker_by_order_${when}`, () =>
    taker.portfolio.getFills(undefined, fillOf, undefined, undefined, 10, undefined, 0, 0),
  );
}

async function main() {
  const [basePath, ticker] = process.argv.slice(2);
  const env = process.env;
  const keys = [env.KALSHI_MAKER_KEY_ID, env.KALSHI_MAKER_PEM, env.KALSHI_TAKER_KEY_ID, env.KALSHI_TAKER_PEM];
  if (!basePath || !ticker || keys.some((k) => !k)) {
    process.stderr.write('usage: KALSHI_{MAKER,TAKER}_{KEY_ID,PEM}=... node orders.js BASE_URL TICKER\n');
    process.exit(2);
  }
  const maker = trader(basePath, env.KALSHI_MAKER_KEY_ID, env.KALSHI_MAKER_PEM);
  const taker = trader(basePath, env.KALSHI_TAKER_KEY_ID, env.KALSHI_TAKER_PEM);
  const calls = {};
  const signer = {};
  await trade(calls, signer, maker, taker, ticker);
  process.stdout.write(JSON.stringify({ calls, signer }) + '\n');
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
