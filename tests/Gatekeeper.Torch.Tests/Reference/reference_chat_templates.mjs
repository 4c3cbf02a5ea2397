// Reference renderings of the chat templates Gatekeeper supports, by @huggingface/jinja (the
// engine transformers.js uses, with transformers' trim_blocks and lstrip_blocks).
//
// Run by hand, never in CI:
//
//     cd tests/Gatekeeper.Torch.Tests/Reference && npm install && node reference_chat_templates.mjs
//
// Writes ChatTemplates/golden.json: each template's text as the models ship it in
// tokenizer_config.json, and its rendering of a few conversations, with and without the generation
// prompt. The tests render the same conversations with Gatekeeper's templates and compare.
import fs from 'fs';
import path from 'path';
import { fileURLToPath } from 'url';
import { Template } from '@huggingface/jinja';
import { TEMPLATES } from './chat_templates.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));


const CONVERSATIONS = [
  [{ role: 'user', content: 'What is 2 + 3?' }],
  [{ role: 'system', content: 'Answer in one word.' }, { role: 'user', content: 'Capital of France?' }],
  [{ role: 'user', content: '  Hi there \n' }, { role: 'assistant', content: ' Hello! ' }, { role: 'user', content: 'Convert 3 m to cm.\nOnly the number.' }],
  [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'café 🎉 <b>bold</b>' }, { role: 'assistant', content: 'Noted.' }],
];

const cases = [];
for (const [name, t] of Object.entries(TEMPLATES)) {
  const template = new Template(t.template);
  for (const messages of CONVERSATIONS) {
    for (const add_generation_prompt of [true, false]) {
      const rendered = template.render({ messages, add_generation_prompt, bos_token: t.bos ?? '', eos_token: t.eos });
      cases.push({ template: name, messages, add_generation_prompt, rendered });
    }
  }
}
fs.writeFileSync(path.join(here, 'ChatTemplates', 'golden.json'), JSON.stringify({
  reference: '@huggingface/jinja 0.5.11',
  templates: Object.fromEntries(Object.entries(TEMPLATES).map(([n, t]) => [n, { bos_token: t.bos, eos_token: t.eos, chat_template: t.template }])),
  cases,
}, null, 1));
console.log(`${cases.length} renderings of ${Object.keys(TEMPLATES).length} templates`);
