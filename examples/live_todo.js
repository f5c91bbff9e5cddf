// A todo list with validation, one instance per browser tab. The list is kept with
// live.keep, so a crash of this tab's context restores it (live.restored).
const state = live.restored ?? { items: [], next: 1 };

document.body.innerHTML = `
<main>
  <h1>Todo</h1>
  <form data-on-submit="add">
    <input name="title" autocomplete="off" placeholder="What needs doing?" data-on-input="check">
    <button>Add</button>
  </form>
  <p class="error" role="alert"></p>
  <ul></ul>
  <footer><span class="left"></span> <button class="clear" data-on-click="clear">Clear done</button></footer>
</main>`;
const input = document.querySelector('input[name=title]');
const error = document.querySelector('.error');
const list = document.querySelector('ul');
const left = document.querySelector('.left');

function problem(text) {
  const title = text.trim();
  if (title === '') return 'Write something first.';
  if (title.length > 80) return `At most 80 characters (this is ${title.length}).`;
  if (state.items.some((i) => i.title === title)) return 'That is already on the list.';
  return '';
}

function item(todo) {
  const li = document.createElement('li');
  li.className = todo.done ? 'done' : '';
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.checked = todo.done;
  box.dataset.id = todo.id;
  box.setAttribute('data-on-change', 'toggle');
  const label = document.createElement('span');
  label.textContent = todo.title; // user text only ever goes in as text
  const remove = document.createElement('button');
  remove.textContent = '×';
  remove.dataset.id = todo.id;
  remove.setAttribute('aria-label', 'remove');
  remove.setAttribute('data-on-click', 'remove');
  li.append(box, ' ', label, ' ', remove);
  return li;
}

function render() {
  list.replaceChildren(...state.items.map(item));
  const open = state.items.filter((i) => !i.done).length;
  left.textContent = `${open} of ${state.items.length} left`;
  live.keep(state);
}

live.on('check', (ev) => { error.textContent = ev.value.trim() === '' ? '' : problem(ev.value); });
live.on('add', (ev) => {
  const text = typeof ev.form.title === 'string' ? ev.form.title : '';
  const why = problem(text);
  error.textContent = why;
  if (why !== '') return;
  state.items.push({ id: state.next++, title: text.trim(), done: false });
  input.value = '';
  render();
});
live.on('toggle', (ev) => {
  const todo = state.items.find((i) => i.id === Number(ev.target.dataset.id));
  if (todo !== undefined) todo.done = ev.checked === true;
  render();
});
live.on('remove', (ev) => {
  state.items = state.items.filter((i) => i.id !== Number(ev.target.dataset.id));
  render();
});
live.on('clear', () => { state.items = state.items.filter((i) => !i.done); render(); });
render();
