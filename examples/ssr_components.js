// The component library of examples/ssr.py: plain functions that build DOM
// nodes, no framework. Every renderer context runs this file once at start
// (and again if the pool restarts it); Python then calls render(route, props)
// once per request.
//
// Escaping is the DOM's job: text goes in through textContent or append(string)
// and attribute values through setAttribute, so a value such as
// `<script>alert(1)</script>` comes out as text. Nothing here builds HTML by
// concatenating strings.

const SITE = 'Acme Shop';

const STYLE = `
  body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 48rem; padding: 1rem; }
  header { display: flex; gap: 1rem; align-items: baseline; justify-content: space-between; }
  nav a { margin-right: .75rem; } nav a.active { font-weight: bold; }
  .product-list { display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); gap: 1rem; }
  .product-card { border: 1px solid #ddd; border-radius: .5rem; padding: .75rem; }
  .price { font-weight: bold; } .tags { list-style: none; padding: 0; display: flex; gap: .5rem; }
  footer { margin-top: 2rem; color: #777; font-size: .85rem; }
`;

// el('a', {class: 'x y', href: '/'}, 'text', otherNode, [more, nodes]): one element.
// Strings become text nodes (append does that), null/false children are skipped.
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') node.classList.add(...String(value).split(/\s+/).filter(Boolean));
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

function formatPrice(cents) {
  if (!Number.isInteger(cents)) throw new TypeError(`price must be a whole number of cents, got ${cents}`);
  return `$${(cents / 100).toFixed(2)}`;
}

// ---- components ------------------------------------------------------------------------------

function Nav({ active, query }) {
  const link = (href, label, name) => el('a', { href, class: name === active && 'active' }, label);
  const search = el('form', { action: '/search', method: 'get', role: 'search' },
    el('input', { type: 'search', name: 'q', placeholder: 'Search products', value: query || null }),
    el('button', { type: 'submit' }, 'Search'));
  return el('nav', {}, link('/', 'Home', 'home'), link('/search', 'Search', 'search'), search);
}

function ProductCard(product) {
  const link = el('a', { href: `/products/${product.id}` });
  link.textContent = product.name;
  const price = el('p', { class: 'price' });
  price.textContent = formatPrice(product.price_cents);
  const card = el('article', { class: 'product-card', 'data-id': product.id }, el('h2', {}, link), price);
  if (product.tags && product.tags.length) {
    card.append(el('ul', { class: 'tags' }, product.tags.map((tag) => el('li', {}, tag))));
  }
  return card;
}

function ProductList({ products, empty }) {
  if (products.length === 0) return el('p', { class: 'empty' }, empty);
  return el('section', { class: 'product-list' }, products.map(ProductCard));
}

function ProductDetail(product) {
  const card = ProductCard(product);
  card.classList.add('detail');
  const description = el('p', { class: 'description' });
  description.textContent = product.description;
  card.append(description);
  return card;
}

// Layout fills the whole document: <head> (title, meta, style) and <body>.
function Layout({ title, active, query }, ...content) {
  const root = document.documentElement;
  root.setAttribute('lang', 'en');
  const style = el('style');
  style.textContent = STYLE;
  document.head.replaceChildren(
    el('meta', { charset: 'utf-8' }),
    el('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
    el('title'),
    style);
  document.title = title ? `${title} | ${SITE}` : SITE;
  document.body.replaceChildren(
    el('header', {}, el('a', { href: '/', class: 'brand' }, SITE), Nav({ active, query })),
    el('main', {}, content),
    el('footer', {}, `Rendered server-side by a QuickJS context at ${new Date().toISOString()}`));
}

// ---- pages: one per route, each calls Layout --------------------------------------------------

const pages = {
  home({ products }) {
    Layout({ active: 'home' }, el('h1', {}, 'All products'),
      ProductList({ products, empty: 'Nothing for sale yet.' }));
  },

  product({ product }) {
    const h1 = el('h1');
    h1.textContent = product.name;
    Layout({ title: product.name }, h1, ProductDetail(product));
  },

  search({ query, results }) {
    const h1 = el('h1');
    h1.textContent = query ? `Results for “${query}”` : 'Search';
    const count = el('p', { class: 'count' }, `${results.length} product${results.length === 1 ? '' : 's'}`);
    Layout({ title: query ? `Search: ${query}` : 'Search', active: 'search', query }, h1,
      query ? [count, ProductList({ products: results, empty: `Nothing matches “${query}”.` })] : null);
  },

  notFound({ path }) {
    const message = el('p');
    message.textContent = `There is no page at ${path}.`;
    Layout({ title: 'Not found' }, el('h1', {}, 'Not found'), message, el('a', { href: '/' }, 'Back to the shop'));
  },

  // A deliberately broken page, to show what the server does when rendering fails.
  broken({ failure }) {
    if (failure === 'loop') for (;;);  // stopped by the per-request timeout
    if (failure === 'memory') {  // stopped by the context's memory_limit
      const hoard = [];
      for (;;) hoard.push('x'.repeat(1 << 16) + hoard.length);
    }
    // a product without a price: ProductCard throws a TypeError
    Layout({ title: 'Broken' }, ProductList({ products: [{ id: 0, name: 'Broken', price_cents: null }] }));
  },
};

// Give the document a doctype once, so the host-side ctx.dom_html() serializes it too.
document.insertBefore(document.implementation.createDocumentType('html', '', ''), document.documentElement);

// The one entry point Python calls: build the page of `route` into the document
// and return it as HTML.
function render(route, props) {
  if (!Object.hasOwn(pages, route)) throw new Error(`unknown route ${route}`);
  pages[route](props);
  return '<!DOCTYPE html>\n' + document.documentElement.outerHTML;
}
