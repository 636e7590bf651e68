// The sandbox console: polls the feed the server renders (escaped HTML), sends commands and
// clicks to the console server, which signs them as Slack would. No secret lives here.

const $ = (id) => document.getElementById(id);
const state = { user: '', channel: '', html: '', boot: null, seen: {} };

async function api(path, body) {
  const res = await fetch(
    path,
    body === undefined
      ? {}
      : {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        },
  );
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error || data.message || `HTTP ${res.status}`);
  return data;
}

function toast(text, kind = 'error') {
  const t = $('toast');
  t.textContent = text;
  t.className = `toast ${kind}`;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => {
    t.hidden = true;
  }, 6000);
}

function text(el, value) {
  el.textContent = value;
  return el;
}

function renderChrome() {
  const boot = state.boot;
  const picker = $('user');
  picker.replaceChildren(
    ...boot.users.map((u) => {
      const o = text(document.createElement('option'), `${u.name} — ${u.title}`);
      o.value = u.id;
      return o;
    }),
  );
  picker.value = state.user;
  const me = boot.users.find((u) => u.id === state.user);
  text($('user-title'), me ? `${me.realName} (${me.id})` : '');
  const channel = boot.channels.find((c) => c.id === state.channel);
  text($('channel-name'), `#${channel ? channel.name : ''}`);
  $('bot-link').href = `${boot.botUrl}/readyz`;
  $('prom-link').href = `${boot.prometheusUrl}/graph`;
  $('scenario-list').replaceChildren(
    ...boot.scenarios.map((s) => {
      const div = document.createElement('div');
      div.className = 'scenario';
      const b = text(document.createElement('button'), s.title);
      b.className = 'btn';
      b.dataset.scenario = s.id;
      const p = text(document.createElement('p'), s.description);
      div.append(b, p);
      return div;
    }),
  );
}

function renderChannels(unread) {
  $('channels').replaceChildren(
    ...state.boot.channels.map((c) => {
      const li = document.createElement('li');
      li.dataset.channel = c.id;
      li.className = c.id === state.channel ? 'active' : '';
      const name = text(document.createElement('span'), `# ${c.name}`);
      li.append(name);
      const n = (unread || []).find((u) => u.id === c.id);
      if (n && n.messages > 0 && c.id !== state.channel)
        li.append(text(document.createElement('span'), String(n.messages)));
      if (li.children[1]) li.children[1].className = 'count';
      return li;
    }),
  );
}

function renderScenarioStatus(s) {
  $('firing').replaceChildren(...s.firing.map((f) => text(document.createElement('li'), f.title)));
  if (s.firing.length === 0)
    $('firing').append(text(document.createElement('li'), 'nothing firing'));
  $('events').replaceChildren(
    ...s.events.map((e) =>
      text(document.createElement('li'), `${new Date(e.at).toLocaleTimeString()} ${e.text}`),
    ),
  );
}

async function refresh() {
  if (!state.user || !state.channel) return;
  const feed = await api(
    `/console/api/feed?user=${encodeURIComponent(state.user)}&channel=${encodeURIComponent(state.channel)}`,
  );
  renderChannels(feed.unread);
  renderScenarioStatus(feed.scenarios);
  if (feed.html === state.html) return;
  const box = $('messages');
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 60;
  state.html = feed.html;
  box.innerHTML = feed.html; // rendered and escaped by the server (render-blocks.ts)
  if (atBottom) box.scrollTop = box.scrollHeight;
}

function loop() {
  refresh()
    .catch((e) => console.warn('refresh failed', e))
    .finally(() => setTimeout(loop, 500));
}

function remember() {
  localStorage.setItem('mc-sandbox', JSON.stringify({ user: state.user, channel: state.channel }));
  const url = new URL(location.href);
  url.searchParams.set('user', state.user);
  url.searchParams.set('channel', state.channel);
  history.replaceState(null, '', url);
}

function confirmDialog(spec) {
  return new Promise((resolve) => {
    $('dialog-title').innerHTML = spec.title; // server-escaped HTML
    $('dialog-text').innerHTML = spec.text;
    $('dialog-confirm').innerHTML = spec.confirm;
    $('dialog-deny').innerHTML = spec.deny;
    $('dialog-confirm').className = `btn ${spec.style === 'danger' ? 'danger' : 'primary'}`;
    $('dialog').hidden = false;
    const done = (answer) => {
      $('dialog').hidden = true;
      $('dialog-confirm').onclick = null;
      $('dialog-deny').onclick = null;
      resolve(answer);
    };
    $('dialog-confirm').onclick = () => done(true);
    $('dialog-deny').onclick = () => done(false);
  });
}

async function onMessageClick(event) {
  const button = event.target.closest('button[data-action-id]');
  if (!button) return;
  const holder = button.closest('[data-ref]');
  if (!holder) return;
  if (button.dataset.confirm && !(await confirmDialog(JSON.parse(button.dataset.confirm)))) return;
  button.disabled = true;
  try {
    await api('/console/api/click', {
      user: state.user,
      channel: state.channel,
      ref: JSON.parse(holder.dataset.ref),
      actionId: button.dataset.actionId,
      value: button.dataset.value,
      blockId: button.dataset.blockId,
    });
  } catch (e) {
    toast(e.message);
  } finally {
    button.disabled = false;
    state.html = '';
    refresh().catch(() => {});
  }
}

async function onSubmit(event) {
  event.preventDefault();
  const input = $('composer');
  const typed = input.value.trim();
  if (!typed) return;
  input.value = '';
  try {
    await api('/console/api/command', { user: state.user, channel: state.channel, text: typed });
  } catch (e) {
    toast(e.message);
  }
  refresh().catch(() => {});
}

async function onScenario(event) {
  const b = event.target.closest('button[data-scenario]');
  if (!b) return;
  b.disabled = true;
  try {
    const r = await api(`/console/api/scenarios/${b.dataset.scenario}`, {});
    toast(r.message, 'info');
  } catch (e) {
    toast(e.message);
  } finally {
    b.disabled = false;
  }
}

async function start() {
  state.boot = await api('/console/api/bootstrap');
  const saved = JSON.parse(localStorage.getItem('mc-sandbox') || '{}');
  const params = new URLSearchParams(location.search);
  const valid = (list, id) => list.some((x) => x.id === id);
  state.user =
    [params.get('user'), saved.user].find((id) => valid(state.boot.users, id)) ||
    state.boot.users[0].id;
  state.channel =
    [params.get('channel'), saved.channel].find((id) => valid(state.boot.channels, id)) ||
    state.boot.channels[0].id;
  renderChrome();
  $('user').addEventListener('change', (e) => {
    state.user = e.target.value;
    state.html = '';
    remember();
    renderChrome();
    refresh();
  });
  $('channels').addEventListener('click', (e) => {
    const li = e.target.closest('li[data-channel]');
    if (!li) return;
    state.channel = li.dataset.channel;
    state.html = '';
    remember();
    renderChrome();
    refresh();
  });
  $('messages').addEventListener('click', onMessageClick);
  $('composer-form').addEventListener('submit', onSubmit);
  $('scenario-list').addEventListener('click', onScenario);
  remember();
  loop();
}

start().catch((e) => toast(`console failed to start: ${e.message}`));
