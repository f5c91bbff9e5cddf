// A chat room, one instance per browser tab. The tabs' contexts talk through a
// BroadcastChannel (the pool's hub), never through each other's objects: a message
// posted here reaches every other tab's context, which renders it and pushes the
// patch to its page. A tab that joins asks the room for the recent messages.
const MAX_MESSAGES = 50;
const state = live.restored ?? { name: '', messages: [] };
const room = new BroadcastChannel('live-chat');

document.body.innerHTML = `
<main>
  <h1>Chat</h1>
  <ol class="log" aria-live="polite"></ol>
  <form data-on-submit="send">
    <input name="name" placeholder="Your name" maxlength="24" autocomplete="nickname">
    <input name="text" placeholder="Say something" maxlength="500" autocomplete="off">
    <button>Send</button>
  </form>
  <p class="error" role="alert"></p>
</main>`;
const log = document.querySelector('.log');
const error = document.querySelector('.error');
const nameInput = document.querySelector('input[name=name]');
const textInput = document.querySelector('input[name=text]');
nameInput.value = state.name;

// what another context sends is checked like input from a page
const clean = (m) => m !== null && typeof m === 'object' && typeof m.name === 'string'
  && typeof m.text === 'string' && m.name.length <= 24 && m.text.length <= 500;

function line(m) {
  const li = document.createElement('li');
  const who = document.createElement('b');
  who.textContent = m.name;   // text only: no markup from anyone reaches the DOM
  li.append(who, ': ', m.text);
  return li;
}

function add(messages) {
  state.messages = state.messages.concat(messages.filter(clean)).slice(-MAX_MESSAGES);
  log.replaceChildren(...state.messages.map(line));
  live.keep(state);
}

room.onmessage = ({ data }) => {
  if (data?.kind === 'said') add([data.message]);
  else if (data?.kind === 'hello' && state.messages.length !== 0) {
    room.postMessage({ kind: 'recent', messages: state.messages });
  } else if (data?.kind === 'recent' && state.messages.length === 0 && Array.isArray(data.messages)) {
    add(data.messages.slice(-MAX_MESSAGES));
  }
};

live.on('send', (ev) => {
  const name = String(ev.form.name ?? '').trim();
  const text = String(ev.form.text ?? '').trim();
  error.textContent = name === '' ? 'Choose a name first.'
    : name.length > 24 ? 'A name has at most 24 characters.'
    : text === '' ? 'Write a message first.'
    : text.length > 500 ? 'A message has at most 500 characters.' : '';
  if (error.textContent !== '') return;
  const message = { name, text };
  state.name = name;
  textInput.value = '';
  add([message]);
  room.postMessage({ kind: 'said', message });
});

if (state.messages.length === 0) room.postMessage({ kind: 'hello' });
else add([]);
