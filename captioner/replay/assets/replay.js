/* Replay page behaviour: caption and transcript languages, seeking from the
 * transcript and chapter list, following the current passage, search, and
 * glossary notes. Text from the page's data is only ever set with textContent
 * or given to the browser's WebVTT parser; no HTML is built from strings. */
(function () {
  'use strict';

  var player = document.getElementById('player');
  var dataNode = document.getElementById('replay-data');
  if (!player || !dataNode) { return; }
  var data = JSON.parse(dataNode.textContent);
  var isAudio = player.tagName === 'AUDIO';
  var reduceMotion = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;

  var captionSelect = document.getElementById('caption-language');
  var transcriptSelect = document.getElementById('transcript-language');
  var followBox = document.getElementById('follow');
  var transcriptBox = document.getElementById('transcript-box');
  var captionBox = document.getElementById('caption-box');
  var captionText = document.getElementById('caption-text');
  var searchInput = document.getElementById('search');
  var searchStatus = document.getElementById('search-status');

  function show(id) {
    var el = document.getElementById(id);
    if (el) { el.hidden = false; }
  }
  show('player-controls');
  show('search-form');

  // The player stays at the top of the window (CSS position: sticky); what scrolls under it
  // (chapter list, passages sought) keeps clear of it through --player-height.
  var playerSection = player.closest('.player');
  function measurePlayer() {
    if (playerSection) {
      document.documentElement.style.setProperty('--player-height', playerSection.offsetHeight + 'px');
    }
  }
  measurePlayer();
  if (window.ResizeObserver && playerSection) { new ResizeObserver(measurePlayer).observe(playerSection); }
  window.addEventListener('resize', measurePlayer);

  // ---- text tracks ---------------------------------------------------------
  // From file:// Chromium refuses to load <track> files (each file is its own
  // origin), so there the cues come from the data block instead.
  var tracksByLang = {};   // language -> TextTrack (captions and subtitles)
  var chaptersTrack = null;

  function escapeCueText(text) {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  }

  function trackFromData(spec) {
    var track = player.addTextTrack(spec.kind, spec.label, spec.lang);
    track.mode = 'hidden';
    spec.cues.forEach(function (row) {
      var text = escapeCueText(String(row[2]));
      if (row[3]) { text = '<v ' + escapeCueText(String(row[3])) + '>' + text; }
      track.addCue(new VTTCue(row[0], row[1], text));
    });
    return track;
  }

  function register(spec, track) {
    if (spec.kind === 'chapters') { chaptersTrack = track; } else { tracksByLang[spec.lang] = track; }
  }

  var trackElements = Array.prototype.slice.call(player.querySelectorAll('track'));
  if (window.location.protocol === 'file:') {
    trackElements.forEach(function (el) { el.parentNode.removeChild(el); });
    trackElements = [];
  }
  data.tracks.forEach(function (spec) {
    var el = trackElements.filter(function (t) {
      return t.kind === spec.kind && t.getAttribute('data-lang') === spec.lang;
    })[0];
    if (!el) { register(spec, trackFromData(spec)); return; }
    register(spec, el.track);
    el.addEventListener('error', function () {   // a missing or unreadable file: use the data block
      var wanted = el.track.mode;
      el.parentNode.removeChild(el);
      var track = trackFromData(spec);
      register(spec, track);
      track.mode = wanted === 'disabled' ? 'hidden' : wanted;
      if (spec.kind !== 'chapters') { track.addEventListener('cuechange', onCueChange); renderCaptionBox(); }
    });
  });
  if (chaptersTrack) { chaptersTrack.mode = 'hidden'; }

  // ---- caption language ----------------------------------------------------
  var captionLang = captionSelect ? captionSelect.value : '';

  function languageDirection(lang) {  // from captioner/lang.py, through the page's data
    var spec = data.tracks.filter(function (t) { return t.lang === lang && t.kind !== 'chapters'; })[0];
    return spec && spec.dir ? spec.dir : 'ltr';
  }

  function setCaptionLanguage(lang) {
    captionLang = lang;
    Object.keys(tracksByLang).forEach(function (key) {
      tracksByLang[key].mode = key === lang ? 'showing' : 'disabled';
    });
    if (captionSelect && captionSelect.value !== lang) { captionSelect.value = lang; }
    if (captionBox) {
      captionBox.hidden = !lang;
      if (lang) {
        captionText.setAttribute('lang', lang);
        captionText.setAttribute('dir', languageDirection(lang));
      }
      renderCaptionBox();
    }
  }

  function renderCaptionBox() {
    if (!captionBox) { return; }
    while (captionText.firstChild) { captionText.removeChild(captionText.firstChild); }
    var track = tracksByLang[captionLang];
    if (!track || !track.activeCues) { return; }
    Array.prototype.forEach.call(track.activeCues, function (cue) {
      var line = document.createElement('p');
      line.className = 'cue';
      // The cue's text already shows its speaker as the caption files do ("NAME:" or ">>", or
      // nothing in the "none" style); the <v Speaker> span's name is not added a second time.
      Array.prototype.forEach.call(cue.getCueAsHTML().childNodes, function (node) {
        line.appendChild(document.createTextNode(node.textContent));
      });
      captionText.appendChild(line);
    });
  }

  function onCueChange(event) {
    if (tracksByLang[captionLang] === event.target) { renderCaptionBox(); }
  }
  Object.keys(tracksByLang).forEach(function (key) {
    tracksByLang[key].addEventListener('cuechange', onCueChange);
  });

  // The video's own captions menu changes track modes: keep the select in step.
  player.textTracks.addEventListener('change', function () {
    var showing = '';
    Object.keys(tracksByLang).forEach(function (key) {
      if (tracksByLang[key].mode === 'showing') { showing = key; }
    });
    if (showing !== captionLang && captionSelect) {
      captionLang = showing;
      captionSelect.value = showing;
      renderCaptionBox();
    }
  });

  // ---- transcript language ---------------------------------------------------
  var panels = Array.prototype.slice.call(document.querySelectorAll('.transcript-panel'));
  var transcriptLinked = true;   // the transcript follows the caption language until chosen apart

  function currentPanel() {
    return panels.filter(function (p) { return !p.hidden; })[0] || panels[0];
  }

  function setTranscriptLanguage(lang) {
    var found = panels.some(function (p) { return p.getAttribute('data-lang') === lang; });
    if (!found) { return; }
    panels.forEach(function (p) { p.hidden = p.getAttribute('data-lang') !== lang; });
    if (transcriptSelect && transcriptSelect.value !== lang) { transcriptSelect.value = lang; }
    if (current) { current.classList.remove('current'); }
    current = null;
    runSearch();
    updatePosition(true);
  }

  if (captionSelect) {
    captionSelect.addEventListener('change', function () {
      setCaptionLanguage(captionSelect.value);
      if (transcriptLinked && captionSelect.value) { setTranscriptLanguage(captionSelect.value); }
    });
  }
  if (transcriptSelect) {
    transcriptSelect.addEventListener('change', function () {
      transcriptLinked = transcriptSelect.value === captionLang;
      setTranscriptLanguage(transcriptSelect.value);
    });
  }

  // ---- seeking -----------------------------------------------------------------
  function seek(seconds) {
    if (!isFinite(seconds)) { return; }
    player.currentTime = seconds;
    var playing = player.play();
    if (playing && playing.catch) { playing.catch(function () { /* the user can press play */ }); }
    updatePosition(true);
  }

  document.addEventListener('click', function (event) {
    var target = event.target.closest ? event.target.closest('.seek, .seek-link') : null;
    if (!target) { return; }
    event.preventDefault();
    seek(parseFloat(target.getAttribute('data-start')));
  });

  // ---- the current passage -------------------------------------------------------
  var current = null;
  var currentChapter = null;
  var chapterLinks = Array.prototype.slice.call(document.querySelectorAll('#chapter-list .seek-link'));

  function lastStartingBefore(elements, time) {
    var found = null;
    for (var i = 0; i < elements.length; i++) {
      if (parseFloat(elements[i].getAttribute('data-start')) <= time + 0.05) { found = elements[i]; } else { break; }
    }
    return found;
  }

  function followPaused() {
    if (!followBox || !followBox.checked) { return true; }
    var active = document.activeElement;
    // Never scroll text away from someone reading or working in it.
    return (active && active !== transcriptBox && transcriptBox.contains(active)) || transcriptBox.matches(':hover');
  }

  function scrollIntoBox(element) {
    if (element.offsetParent === null) { return; }   // hidden by a search
    var box = transcriptBox.getBoundingClientRect();
    var rect = element.getBoundingClientRect();
    if (rect.top >= box.top && rect.bottom <= box.bottom) { return; }
    var top = transcriptBox.scrollTop + (rect.top - box.top) - transcriptBox.clientHeight / 4;
    transcriptBox.scrollTo({ top: Math.max(0, top), behavior: reduceMotion ? 'auto' : 'smooth' });
  }

  function updatePosition(force) {
    var time = player.currentTime;
    var panel = currentPanel();
    if (!panel) { return; }
    var passage = lastStartingBefore(panel.querySelectorAll('.passage'), time);
    if (passage !== current) {
      if (current) { current.classList.remove('current'); }
      current = passage;
      if (current) { current.classList.add('current'); }
    }
    if (current && (force || !followPaused()) && followBox && followBox.checked) { scrollIntoBox(current); }
    var chapter = lastStartingBefore(chapterLinks, time);
    if (chapter !== currentChapter) {
      if (currentChapter) { currentChapter.removeAttribute('aria-current'); }
      currentChapter = chapter;
      if (currentChapter) { currentChapter.setAttribute('aria-current', 'true'); }
    }
  }
  player.addEventListener('timeupdate', function () { updatePosition(false); });
  player.addEventListener('seeked', function () { updatePosition(false); });
  if (followBox) {
    followBox.addEventListener('change', function () { if (followBox.checked) { updatePosition(true); } });
  }

  // ---- search ----------------------------------------------------------------------
  var MARKS = /[\u0300-\u036f\u064b-\u065f\u0670]/g;

  function fold(text) {
    return text.normalize('NFD').replace(MARKS, '').toLowerCase();
  }

  function textNodesOf(element) {
    var nodes = [];
    var walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        return node.parentNode.closest('.term-note') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    while (walker.nextNode()) { nodes.push(walker.currentNode); }
    return nodes;
  }

  function clearMarks(root) {
    Array.prototype.forEach.call(root.querySelectorAll('mark.hit'), function (mark) {
      var parent = mark.parentNode;
      parent.replaceChild(document.createTextNode(mark.textContent), mark);
      parent.normalize();
    });
  }

  // Folded text of the nodes, with where each folded character came from.
  function foldedIndex(nodes) {
    var folded = '';
    var origin = [];
    nodes.forEach(function (node, n) {
      var text = node.nodeValue;
      for (var i = 0; i < text.length; i++) {
        var piece = fold(text.charAt(i));
        for (var k = 0; k < piece.length; k++) { origin.push([n, i]); }
        folded += piece;
      }
    });
    return { text: folded, origin: origin };
  }

  function markRange(nodes, origin, from, to) {
    // Group the matched characters by node, then wrap each node's part, last first.
    var parts = [];
    for (var i = from; i < to; i++) {
      var o = origin[i];
      var last = parts[parts.length - 1];
      if (last && last.node === o[0]) { last.end = o[1] + 1; } else { parts.push({ node: o[0], start: o[1], end: o[1] + 1 }); }
    }
    parts.reverse().forEach(function (part) {
      var node = nodes[part.node];
      var middle = node.splitText(part.start);
      middle.splitText(part.end - part.start);
      var mark = document.createElement('mark');
      mark.className = 'hit';
      middle.parentNode.replaceChild(mark, middle);
      mark.appendChild(middle);
    });
  }

  function searchPassage(passage, query) {
    var textElement = passage.querySelector('.passage-text');
    var nodes = textNodesOf(textElement);
    var index = foldedIndex(nodes);
    var found = [];
    var at = index.text.indexOf(query);
    while (at !== -1) {
      found.push(at);
      at = index.text.indexOf(query, at + query.length);
    }
    for (var i = found.length - 1; i >= 0; i--) {   // last first, so earlier offsets stay valid
      markRange(nodes, index.origin, found[i], found[i] + query.length);
    }
    return found.length;
  }

  function runSearch() {
    if (!searchInput) { return; }
    panels.forEach(function (panel) {
      clearMarks(panel);
      Array.prototype.forEach.call(panel.querySelectorAll('.passage, .transcript-chapter'), function (el) { el.hidden = false; });
    });
    var raw = searchInput.value.trim();
    var query = fold(raw);
    if (!query) { searchStatus.textContent = ''; return; }
    var panel = currentPanel();
    var passages = 0;
    var hits = 0;
    Array.prototype.forEach.call(panel.querySelectorAll('.transcript-chapter'), function (chapter) {
      var any = false;
      Array.prototype.forEach.call(chapter.querySelectorAll('.passage'), function (passage) {
        var n = searchPassage(passage, query);
        passage.hidden = n === 0;
        if (n) { any = true; passages += 1; hits += n; }
      });
      chapter.hidden = !any;
    });
    searchStatus.textContent = passages === 0
      ? 'No passage contains \u201c' + raw + '\u201d.'
      : hits + (hits === 1 ? ' match' : ' matches') + ' in ' + passages + (passages === 1 ? ' passage' : ' passages') +
        ' for \u201c' + raw + '\u201d; the other passages are hidden until the search is cleared.';
  }

  var searchTimer = null;
  if (searchInput) {
    searchInput.addEventListener('input', function () {
      window.clearTimeout(searchTimer);
      searchTimer = window.setTimeout(runSearch, 250);
    });
    searchInput.addEventListener('keydown', function (event) {
      if (event.key === 'Enter') { event.preventDefault(); window.clearTimeout(searchTimer); runSearch(); }
    });
  }

  // ---- glossary notes (toggletips) -----------------------------------------------------
  function closeNotes(except) {
    Array.prototype.forEach.call(document.querySelectorAll('.term[aria-expanded="true"]'), function (button) {
      if (button === except) { return; }
      button.setAttribute('aria-expanded', 'false');
      document.getElementById(button.getAttribute('aria-controls')).hidden = true;
    });
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest ? event.target.closest('.term') : null;
    if (!button) {
      if (!(event.target.closest && event.target.closest('.term-note'))) { closeNotes(null); }
      return;
    }
    var note = document.getElementById(button.getAttribute('aria-controls'));
    var open = button.getAttribute('aria-expanded') !== 'true';
    closeNotes(button);
    button.setAttribute('aria-expanded', open ? 'true' : 'false');
    note.hidden = !open;
  });

  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape') { return; }
    var open = document.querySelector('.term[aria-expanded="true"]');
    if (open) {
      closeNotes(null);
      open.focus();
    }
  });

  // ---- start -------------------------------------------------------------------------
  setCaptionLanguage(captionLang);
  if (transcriptSelect) { setTranscriptLanguage(transcriptSelect.value); }
  var link = /^#t=(\d+(?:\.\d+)?)$/.exec(window.location.hash);
  if (link) { player.currentTime = parseFloat(link[1]); }
  updatePosition(false);
  document.documentElement.setAttribute('data-replay-ready', 'true');
}());
