// The search page: Pagefind's JavaScript API over the site's sharded index, with our own
// ranking, filters and result list (the classes are Pagefind UI's, so its stylesheet
// applies). `?q=` (the header box) starts a search.
//
// Shards (pagefind/sNN/, listed in pagefind/shards.json) let a rebuild re-index only the
// pages that changed; the first is loaded and the others merged (mergeIndex). Pagefind
// scores each shard with that shard's own statistics (how many of its pages hold a word,
// their average length), so its scores of pages in different shards do not compare. The
// order here uses only what a page itself holds, the same whichever shard it is in:
//   1. the query names the page's unit (data-pagefind-meta="unit" matched): a unit's
//      name, short or full, leads to its ledger pages;
//   2. the page holds the query's Han characters side by side (the whole term,
//      未巡先改), before pages where they are only scattered;
//   3. a page about things (a ledger, a case, the catalogue) before a page listing every
//      unit's items (the warnings, 督办: their kind filter);
//   4. how often the whole term stands on the page, then how many of the query's words
//      it holds;
//   5. the page's fragment id (a hash of its content), so that equal pages keep one order.
// The build indexes every Han character as a word (site/search.py, split_han); the query
// is split the same way, so a match's positions count characters.
(function () {
  "use strict";
  var box = document.getElementById("rl-search");
  if (!box) return;
  var here = document.querySelector('script[src*="assets/rectify-search.js"]');
  var base = new URL("../pagefind/", here ? here.src : window.location.href).href;
  // Results shown at a time. Each needs its page's fragment (the text for its excerpt),
  // which for a long page (a city's catalogue) is tens of KB: five, as Pagefind UI shows.
  var PAGE = 5;
  var HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  var HAN_PAIR = /([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])(?=[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])/g;
  var HAN_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
  var ZWSP = /\u200b/g;
  // Pagefind's own order is not used (see above); the unit weight makes it report
  // whether the unit's name matched (matchedMetaFields).
  var ranking = { termFrequency: 0.0, pageLength: 0.0, metaWeights: { unit: 20 } };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      node.setAttribute(k, attrs[k]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // --- the page's parts ---------------------------------------------------------------
  var form = el("form", { class: "pagefind-ui__form rl-search__form", role: "search" });
  var input = el("input", {
    class: "pagefind-ui__search-input",
    type: "search",
    autocomplete: "off",
    placeholder: "搜索单位、问题、措施、案例",
    "aria-label": "搜索本站：单位、问题、措施、案例",
  });
  form.appendChild(input);
  var filters = el("div", { class: "rl-search__filters" });
  var kindSet = el("fieldset", { class: "rl-search__kinds" });
  kindSet.appendChild(el("legend", {}, "类别"));
  var roundBox = el("div", { class: "rl-search__round" });
  roundBox.appendChild(el("label", { for: "rl-search-round" }, "轮次"));
  var roundSelect = el("select", { id: "rl-search-round" });
  roundBox.appendChild(roundSelect);
  filters.appendChild(kindSet);
  filters.appendChild(roundBox);
  var message = el("p", { class: "pagefind-ui__message", role: "status" });
  var list = el("ol", { class: "pagefind-ui__results" });
  var more = el("button", { class: "pagefind-ui__button", type: "button" }, "加载更多结果");
  more.hidden = true;
  var drawer = el("div", { class: "pagefind-ui__drawer rl-search__drawer" });
  drawer.appendChild(filters);
  var found = el("div", { class: "pagefind-ui__results-area rl-search__results" });
  found.appendChild(message);
  found.appendChild(list);
  found.appendChild(more);
  drawer.appendChild(found);
  box.classList.add("pagefind-ui");
  box.appendChild(form);
  box.appendChild(drawer);

  // --- ranking ------------------------------------------------------------------------
  function splitHan(term) {
    return term.replace(HAN_PAIR, "$1 ");
  }

  // The longest run of Han characters in the query: the "whole term" to find side by side.
  function termLength(term) {
    var runs = term.match(HAN_RUN) || [];
    return runs.reduce(function (n, run) {
      return Math.max(n, run.length);
    }, 1);
  }

  // How many times ``length`` matched positions stand in a row.
  function wholeTerms(locations, length) {
    if (length <= 1) return locations.length;
    var count = 0;
    var run = 1;
    for (var i = 1; i <= locations.length; i++) {
      if (i < locations.length && locations[i] === locations[i - 1] + 1) {
        run += 1;
      } else {
        count += Math.floor(run / length);
        run = 1;
      }
    }
    return count;
  }

  // Pages that list every unit's items (the warnings, 督办, the sign-off audit, the
  // overview) hold any term many times over; among pages with the whole term they come
  // after the ledgers, cases and catalogue entries that are about it.
  var LISTS = ["预警", "督办", "月报", "签字与治理", "概览与其他"];

  function rankKey(result, length, lists) {
    var words = result.words.slice().sort(function (a, b) {
      return a - b;
    });
    var unit = (result.matchedMetaFields || []).indexOf("unit") >= 0 ? 1 : 0;
    var whole = wholeTerms(words, length);
    var content = lists[result.id] ? 0 : 1;
    return [unit, whole > 0 ? 1 : 0, content, whole, words.length];
  }

  function compare(a, b) {
    for (var i = 0; i < a.key.length; i++) {
      if (a.key[i] !== b.key[i]) return b.key[i] - a.key[i];
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  }

  // --- showing results ----------------------------------------------------------------
  function clean(text) {
    return (text || "").replace(ZWSP, "");
  }

  var wanted = 1; // the whole term's length in characters, for the marks

  function excerpt(html) {
    // Pagefind's excerpt is escaped text with <mark> around each matched character;
    // mark the whole term, not its characters scattered in between.
    var p = el("p", { class: "pagefind-ui__result-excerpt" });
    p.innerHTML = clean(html).replace(/<\/mark><mark>/g, "");
    Array.prototype.slice.call(p.querySelectorAll("mark")).forEach(function (mark) {
      if (mark.textContent.length < wanted) mark.replaceWith(mark.textContent);
    });
    return p;
  }

  function render(data) {
    var item = el("li", { class: "pagefind-ui__result" });
    var inner = el("div", { class: "pagefind-ui__result-inner" });
    var title = el("p", { class: "pagefind-ui__result-title" });
    title.appendChild(el("a", { class: "pagefind-ui__result-link", href: data.url }, clean(data.meta.title)));
    inner.appendChild(title);
    var where = [(data.filters.kind || [])[0], (data.filters.round || [])[0]].filter(Boolean);
    if (where.length) inner.appendChild(el("p", { class: "rl-search__where" }, where.join(" · ")));
    inner.appendChild(excerpt(data.excerpt));
    // A page's best-matching sections (a unit page's problems), as Pagefind UI shows them.
    // The page's own heading is the result itself.
    var subs = (data.sub_results || []).filter(function (sub) {
      return sub.url !== data.url && !(sub.anchor && sub.anchor.element === "h1");
    });
    subs.sort(function (a, b) {
      return b.locations.length - a.locations.length || a.locations[0] - b.locations[0];
    });
    if (subs.length) {
      var nested = el("ul", { class: "rl-search__sections" });
      subs.slice(0, 3).forEach(function (sub) {
        var li = el("li", { class: "pagefind-ui__result-nested" });
        var p = el("p", { class: "pagefind-ui__result-title" });
        p.appendChild(el("a", { class: "pagefind-ui__result-link", href: sub.url }, clean(sub.title)));
        li.appendChild(p);
        li.appendChild(excerpt(sub.excerpt));
        nested.appendChild(li);
      });
      inner.appendChild(nested);
    }
    item.appendChild(inner);
    return item;
  }

  // --- searching ----------------------------------------------------------------------
  var pagefind = null;
  var ranked = [];
  var shown = 0;
  var latest = 0;
  var divided = false;

  function chosen() {
    var kinds = Array.prototype.slice
      .call(kindSet.querySelectorAll("input:checked"))
      .map(function (c) {
        return c.value;
      });
    var picked = {};
    if (kinds.length) picked.kind = { any: kinds };
    if (roundSelect.value) picked.round = roundSelect.value;
    return picked;
  }

  function showMore() {
    var batch = ranked.slice(shown, shown + PAGE);
    shown += batch.length;
    return Promise.all(
      batch.map(function (r) {
        return r.data();
      })
    ).then(function (pages) {
      pages.forEach(function (data, i) {
        // Where the pages with the whole term end and those with its characters
        // scattered begin, say so (the characters alone are a weak match).
        var scattered = wanted > 1 && batch[i].key[1] === 0;
        if (scattered && !divided) {
          divided = true;
          var note = "以下结果不含完整的“" + batch[i].term + "”，只含其中的字";
          list.appendChild(el("li", { class: "rl-search__divider", role: "note" }, note));
        }
        list.appendChild(render(data));
      });
      more.hidden = shown >= ranked.length;
    });
  }

  function search() {
    var term = input.value.trim();
    var mine = ++latest;
    if (!pagefind || !term) {
      list.textContent = "";
      message.textContent = "";
      more.hidden = true;
      return Promise.resolve();
    }
    var length = termLength(term);
    wanted = length;
    list.textContent = "";
    message.textContent = "正在搜索……";
    more.hidden = true;
    var query = splitHan(term);
    return Promise.all([
      pagefind.search(query, { filters: chosen() }),
      pagefind.search(query, { filters: { kind: { any: LISTS } } }),
    ]).then(function (both) {
      var response = both[0];
      if (mine !== latest || !response) return;
      var lists = {};
      (both[1] ? both[1].results : []).forEach(function (r) {
        lists[r.id] = true;
      });
      ranked = response.results.map(function (r) {
        return { id: r.id, data: r.data, key: rankKey(r, length, lists), term: term };
      });
      ranked.sort(compare);
      shown = 0;
      divided = false;
      return showMore().then(function () {
        if (mine !== latest) return;
        message.textContent = ranked.length
          ? "找到 " + ranked.length + " 个与“" + term + "”相关的结果"
          : "没有找到与“" + term + "”相关的内容";
      });
    });
  }

  // Kinds in the site's order; rounds in their order (第一轮, 第二轮 …), then by name.
  var KINDS = ["单位台账", "整改情况公开", "典型案例", "共性问题", "量化评估", "巡察轮次",
    "预警", "督办", "月报", "签字与治理", "使用指南", "概览与其他"];
  var NUMERALS = "一二三四五六七八九十";

  function kindOrder(kind) {
    var i = KINDS.indexOf(kind);
    return i < 0 ? KINDS.length : i;
  }

  function roundOrder(name) {
    var m = /第([一二三四五六七八九十]+)轮/.exec(name);
    if (!m) return 1000;
    var digits = m[1].split("").map(function (c) {
      return NUMERALS.indexOf(c) + 1;
    });
    if (digits.length === 1) return digits[0];
    if (digits[0] === 10) return 10 + digits[1]; // 十一
    return digits[0] * 10 + (digits[2] || 0); // 二十, 二十一
  }

  function byOrder(order) {
    return function (a, b) {
      return order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0);
    };
  }

  function fillFilters(all) {
    var kinds = Object.keys(all.kind || {}).sort(byOrder(kindOrder));
    kinds.forEach(function (kind, i) {
      var id = "rl-search-kind-" + i;
      var label = el("label", { for: id });
      var box = el("input", { type: "checkbox", id: id, value: kind });
      box.addEventListener("change", search);
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + kind));
      kindSet.appendChild(label);
    });
    roundSelect.appendChild(el("option", { value: "" }, "全部轮次"));
    Object.keys(all.round || {})
      .sort(byOrder(roundOrder))
      .forEach(function (round) {
        roundSelect.appendChild(el("option", { value: round }, round));
      });
    roundSelect.addEventListener("change", search);
  }

  var timer = null;
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(search, 250);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    search();
  });
  more.addEventListener("click", function () {
    showMore();
  });

  function start(bundles) {
    return import(bundles[0] + "pagefind.js").then(function (pf) {
      return pf
        .options({ ranking: ranking, excerptLength: 40 })
        .then(function () {
          return Promise.all(
            bundles.slice(1).map(function (path) {
              return pf.mergeIndex(path, { ranking: ranking });
            })
          );
        })
        .then(function () {
          return pf.filters();
        })
        .then(function (all) {
          fillFilters(all || {});
          pagefind = pf;
          var term = new URLSearchParams(window.location.search).get("q");
          var header = document.getElementById("rl-header-q");
          if (term) {
            input.value = term;
            if (header) header.value = term;
            return search();
          }
        });
    });
  }

  fetch(base + "shards.json")
    .then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    })
    .then(
      function (listed) {
        var bundles = listed.shards.map(function (name) {
          return new URL(name, base).href;
        });
        return bundles.length ? bundles : [base];
      },
      function () {
        return [base]; // one index, in pagefind/ itself
      }
    )
    .then(start);
})();
