/* Edit mode of the replay page (captioner edit): each passage of the spoken language's
 * transcript gets an Edit button; Enter saves the corrected words (the server keeps them in
 * recordings/<stem>.edits.yaml and remakes every output), Escape cancels. Keyboard first;
 * text is only ever set with textContent or a textarea's value. */
(function () {
  'use strict';

  var root = document.documentElement;
  var token = root.getAttribute('data-edit-token');
  var language = root.getAttribute('data-edit-language');
  if (!token) { return; }
  var SAVED = 'captioner-edit-saved';

  var status = document.createElement('p');
  status.id = 'edit-status';
  status.className = 'edit-status';
  status.setAttribute('role', 'status');
  var main = document.getElementById('main') || document.body;
  main.insertBefore(status, main.firstChild);
  var saved = window.sessionStorage.getItem(SAVED);
  if (saved) {
    window.sessionStorage.removeItem(SAVED);
    status.textContent = saved;
  } else {
    status.textContent = 'Edit mode: Edit on a passage corrects its words.';
  }

  function spokenText(textElement) {
    var copy = textElement.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll('.speaker, .term-note, .visually-hidden'), function (el) {
      el.remove();
    });
    return copy.textContent.replace(/\s+/g, ' ').trim();
  }

  // The passage's sentences, one field each (the producer works sentence by sentence; Tab
  // moves on). Enter in any of them saves the passage's changed words, Escape cancels.
  function openEditor(passage, text, button) {
    var original = spokenText(text);
    var sentences = original.split(/(?<=[.!?…])\s+(?=\S)/);
    var id = passage.getAttribute('data-start').replace('.', '-');
    var hint = document.createElement('p');
    hint.id = 'edit-hint-' + id;
    hint.className = 'edit-hint';
    hint.textContent = 'One field a sentence (Tab to the next). Enter saves the passage, Escape cancels.';
    var group = document.createElement('div');
    group.className = 'edit-sentences';
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', 'Sentences of the passage at ' + button.getAttribute('data-clock'));
    var boxes = sentences.map(function (sentence, index) {
      var box = document.createElement('textarea');
      box.className = 'edit-box edit-sentence';
      box.rows = 2;
      box.value = sentence;
      box.setAttribute('aria-label', 'Sentence ' + (index + 1) + ' of ' + sentences.length +
                       ' of the passage at ' + button.getAttribute('data-clock'));
      box.setAttribute('aria-describedby', hint.id);
      group.appendChild(box);
      return box;
    });
    text.hidden = true;
    button.hidden = true;
    passage.insertBefore(group, button);
    passage.insertBefore(hint, button);
    boxes[0].focus();

    function close() {
      group.remove();
      hint.remove();
      text.hidden = false;
      button.hidden = false;
      button.focus();
    }

    function save(control) {
      var correct = boxes.map(function (box) { return box.value; }).join(' ').replace(/\s+/g, ' ').trim();
      if (!correct || correct === original) { close(); return; }
      post('/api/words', passage, {said: original, correct: correct}, control);
    }

    group.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') {
        event.preventDefault();
        close();
      } else if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault();
        save(event.target);
      }
    });
  }

  // Send a change; the server records it and makes every output again, then the page reloads.
  function post(url, passage, fields, control) {
    var body = {start: parseFloat(passage.getAttribute('data-start')),
                end: parseFloat(passage.getAttribute('data-end'))};
    Object.keys(fields).forEach(function (key) { body[key] = fields[key]; });
    send(url, body, control);
  }

  function send(url, body, control) {
    control.disabled = true;
    status.textContent = 'Saving, and making the captions again…';
    window.fetch(url, {
      method: 'POST',
      headers: {'Content-Type': 'application/json', 'X-Edit-Token': token},
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (json) { return {ok: response.ok, body: json}; });
    }).then(function (result) {
      if (!result.ok) {
        status.textContent = 'Not saved: ' + (result.body.error || 'the server refused it');
        control.disabled = false;
        control.focus();
        return;
      }
      var missed = (result.body.not_placed || []).length;
      window.sessionStorage.setItem(SAVED, 'Saved to ' + result.body.edits_file + '; every output made again' +
                                    (missed ? ' (' + missed + ' earlier edit(s) could not be placed)' : '') + '.');
      window.location.reload();
    }).catch(function () {
      status.textContent = 'Not saved: the edit server did not answer. Is `captioner edit` still running?';
      control.disabled = false;
      control.focus();
    });
  }

  // Who said a passage: a field offering the speakers already named; Enter saves, Escape cancels.
  var speakers = [];
  Array.prototype.forEach.call(document.querySelectorAll('.transcript-panel[data-lang="' + language + '"] .speaker bdi'),
    function (el) { if (speakers.indexOf(el.textContent) < 0) { speakers.push(el.textContent); } });
  var list = document.createElement('datalist');
  list.id = 'edit-speakers';
  speakers.forEach(function (name) {
    var option = document.createElement('option');
    option.value = name;
    list.appendChild(option);
  });
  document.body.appendChild(list);

  // A one-line field in place of `button`: Enter gives its text to onSave (unless empty or
  // unchanged), Escape puts the button back.
  function askFor(button, fieldId, labelText, fieldClass, value, onSave, listId) {
    var label = document.createElement('label');
    label.setAttribute('for', fieldId);
    label.className = 'edit-hint';
    label.textContent = labelText + ' (Enter saves, Escape cancels)';
    var field = document.createElement('input');
    field.type = 'text';
    field.id = fieldId;
    field.className = 'edit-box ' + fieldClass;
    if (listId) { field.setAttribute('list', listId); }
    field.value = value;
    button.hidden = true;
    button.parentNode.insertBefore(label, button);
    button.parentNode.insertBefore(field, button);
    field.focus();
    function close() { label.remove(); field.remove(); button.hidden = false; button.focus(); }
    field.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') {
        event.preventDefault();
        close();
      } else if (event.key === 'Enter') {
        event.preventDefault();
        var text = field.value.replace(/\s+/g, ' ').trim();
        if (!text || text === value) { close(); return; }
        onSave(text, field);
      }
    });
  }

  function openSpeaker(passage, button) {
    var current = passage.querySelector('.speaker bdi');
    askFor(button, 'edit-speaker-' + passage.getAttribute('data-start').replace('.', '-'), 'Who said this passage',
           'edit-speaker-box', current ? current.textContent : '', function (name, field) {
             post('/api/speaker', passage, {speaker: name}, field);
           }, 'edit-speakers');
  }

  function addButton(container, kind, text, label) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'edit-passage ' + kind;
    button.textContent = text;
    button.setAttribute('aria-label', label);
    container.appendChild(button);
    return button;
  }

  // Chapters: start one where the player is now, or give it another title.
  var player = document.getElementById('player');
  Array.prototype.forEach.call(document.querySelectorAll('#chapter-list li'), function (item) {
    var titleElement = item.querySelector('.chapter-title');
    if (!titleElement) { return; }
    var title = titleElement.textContent;
    var starts = addButton(item, 'edit-chapter-start', 'Starts now',
                           'Starts now: chapter ' + title + ' starts where the recording is playing');
    var rename = addButton(item, 'edit-chapter-rename', 'Rename', 'Rename chapter ' + title);
    starts.addEventListener('click', function () {
      send('/api/chapter', {title: title, start: player.currentTime}, starts);
    });
    rename.addEventListener('click', function () {
      askFor(rename, 'edit-chapter-' + Array.prototype.indexOf.call(item.parentNode.children, item), 'New title',
             'edit-chapter-box', title, function (name, field) {
               send('/api/chapter', {title: title, rename: name}, field);
             });
    });
  });

  // What the server lists below the transcript, linked from the status line: the edits the last
  // run could not place, and term suggestions (Approve corrects the words everywhere in this recording).
  function linkFromStatus(count, target, label) {
    if (!count) { return; }
    var link = document.createElement('a');
    link.href = target;
    link.textContent = ' ' + label + ': ' + count + '.';
    status.appendChild(link);
  }
  linkFromStatus(document.querySelectorAll('#edits-not-placed li').length, '#edits-not-placed', 'Edits not placed');
  var suggestions = document.querySelectorAll('.edit-term-approve');
  linkFromStatus(suggestions.length, '#term-suggestions', 'Term suggestions');
  Array.prototype.forEach.call(suggestions, function (button) {
    button.addEventListener('click', function () {
      send('/api/term', {heard: button.getAttribute('data-heard'), term: button.getAttribute('data-term')}, button);
    });
  });

  var panel = document.querySelector('.transcript-panel[data-lang="' + language + '"]');
  if (!panel) { return; }
  Array.prototype.forEach.call(panel.querySelectorAll('.passage'), function (passage) {
    var text = passage.querySelector('.passage-text');
    if (!text) { return; }
    var seconds = Math.floor(parseFloat(passage.getAttribute('data-start')));
    var clock = Math.floor(seconds / 60) + ':' + String(seconds % 60).padStart(2, '0');
    var button = addButton(passage, 'edit-words', 'Edit', 'Edit the passage at ' + clock);
    button.setAttribute('data-clock', clock);
    button.addEventListener('click', function () { openEditor(passage, text, button); });
    var who = addButton(passage, 'edit-speaker', 'Speaker', 'Speaker of the passage at ' + clock);
    who.addEventListener('click', function () { openSpeaker(passage, who); });
  });
}());
