/**
 * A double of Stripe.js (served by the Stripe double at /v3/): just `Stripe(pk, { locale })`, `elements()`,
 * `create('card')`, `mount`, `on`, `destroy` and `confirmCardPayment(clientSecret, { payment_method: { card } })`,
 * which confirms against the double's API on the script's own origin. The card element is a plain input
 * (Stripe's is an iframe); a 3-D Secure challenge is passed at once, as a shopper would.
 */
export const STRIPE_JS_DOUBLE = `(function () {
  var script = document.currentScript;
  var api = new URL(script.src).origin;
  function post(path, fields) {
    return fetch(api + path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString()
    }).then(function (r) { return r.json(); });
  }
  window.Stripe = function (pk, opts) {
    var en = opts && opts.locale === 'en';
    return {
      elements: function () {
        return {
          create: function (type) {
            if (type !== 'card') throw new Error('stripe double: only the card element');
            var input = document.createElement('input');
            input.type = 'text';
            input.inputMode = 'numeric';
            input.autocomplete = 'cc-number';
            input.className = 'stripe-double-card';
            input.setAttribute('aria-label', en ? 'Card number' : 'カード番号');
            input.placeholder = '1234 1234 1234 1234';
            var handlers = {};
            input.addEventListener('input', function () {
              (handlers.change || []).forEach(function (h) { h({ empty: !input.value, complete: input.value.replace(/\\D/g, '').length >= 14 }); });
            });
            return {
              _input: input,
              mount: function (target) { (typeof target === 'string' ? document.querySelector(target) : target).appendChild(input); },
              unmount: function () { input.remove(); },
              destroy: function () { input.remove(); },
              focus: function () { input.focus(); },
              on: function (name, h) { (handlers[name] = handlers[name] || []).push(h); }
            };
          }
        };
      },
      confirmCardPayment: function (clientSecret, data) {
        var id = clientSecret.split('_secret_')[0];
        var number = data.payment_method.card._input.value.replace(/\\D/g, '');
        return post('/v1/payment_intents/' + id + '/confirm', {
          key: pk, client_secret: clientSecret, 'payment_method_data[type]': 'card', 'payment_method_data[card][number]': number
        }).then(function (r) {
          if (r.error) return { error: r.error };
          if (r.status === 'requires_action')
            return post('/v1/payment_intents/' + id + '/authenticate', { key: pk, client_secret: clientSecret }).then(function (a) {
              return a.error ? { error: a.error } : { paymentIntent: a };
            });
          return { paymentIntent: r };
        });
      }
    };
  };
})();
`;
