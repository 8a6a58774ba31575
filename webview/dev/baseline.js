// Fills the baseline page with ?n= paragraphs of plain text (about one card each).
(function () {
  const n = Number(new URLSearchParams(location.search).get('n') || 1000);
  const words = 'the sum so we get value check equation term then'.split(' ');
  const fragment = document.createDocumentFragment();
  for (let i = 0; i < n; i++) {
    const p = document.createElement('p');
    let text = '';
    for (let w = 0; w < 40; w++) text += words[(i * 7 + w * 3) % words.length] + ' ';
    p.textContent = text;
    fragment.append(p);
  }
  document.body.append(fragment);
  document.body.dataset.ready = 'true';
})();
