// The pledge window's words (issue 14 §3) in zh-CN and English: the rules come from the policy
// (both languages, shown as written); these are the window's own, with the monitoring notice
// employees are owed: what this workstation records about them, said plainly.
import type { Catalog } from '../../core/i18n/types.js';

export const pledgeMessages: Catalog = {
  en: {
    'pledge.title': 'Confidentiality pledge',
    'pledge.intro':
      'Your organisation asks you to read its confidentiality rules and confirm them. The rules are the policy’s (version {{version}}), in Chinese and English:',
    'pledge.recorded': 'What this computer records about you',
    'pledge.rec.files':
      'Changes to files in classified folders: the file’s name and path, when, and a fingerprint (SHA-256) of the file, never its contents.',
    'pledge.rec.folders': 'Classified folders here: {{folders}}',
    'pledge.rec.usb':
      'USB storage devices plugged in (maker, model, serial number) and whether they were allowed, blocked or read-only.',
    'pledge.rec.idle':
      'When the screen was left unlocked while nobody used it, and when it was locked and unlocked.',
    'pledge.rec.watermark':
      'Your name, this computer’s name and the time are shown faintly across the screen (a screen watermark).',
    'pledge.rec.pledge': 'That you confirmed this pledge, with the text’s fingerprint.',
    'pledge.rec.local': 'These records stay on this computer.',
    'pledge.rec.console':
      'These records are sent to the confidentiality office’s console ({{console}}).',
    'pledge.rec.see':
      'You can see everything recorded about you at any time: tray menu → “What is recorded about me”.',
    'pledge.accept': 'I have read these rules and will keep them',
    'pledge.accepting': 'Recording your confirmation…',
    'pledge.done': 'Confirmed. Thank you; this window can be closed.',
    'pledge.already': 'You have already confirmed this text.',
    'pledge.none': 'The policy in force has no confidentiality pledge to confirm.',
    'pledge.changed': 'The pledge changed while this window was open; here is the new text.',
    'pledge.close': 'Close',
  },
  'zh-CN': {
    'pledge.title': '保密承诺',
    'pledge.intro':
      '单位请您阅读并确认以下保密规定。规定来自策略（第 {{version}} 版），中英文如下：',
    'pledge.recorded': '本机记录的与您有关的信息',
    'pledge.rec.files':
      '涉密文件夹中文件的变动：文件名和路径、时间以及文件指纹（SHA-256），从不记录文件内容。',
    'pledge.rec.folders': '本机的涉密文件夹：{{folders}}',
    'pledge.rec.usb': '插入的 USB 存储设备（厂商、型号、序列号），以及它被允许、拦截还是只读。',
    'pledge.rec.idle': '屏幕在无人使用时未锁定的情况，以及锁定和解锁的时间。',
    'pledge.rec.watermark': '屏幕上会淡淡显示您的姓名、本机名称和时间（屏幕水印）。',
    'pledge.rec.pledge': '您确认了本承诺，以及承诺文本的指纹。',
    'pledge.rec.local': '这些记录只保存在本机。',
    'pledge.rec.console': '这些记录会上报给保密办公室的控制台（{{console}}）。',
    'pledge.rec.see': '您可以随时查看关于您的全部记录：托盘菜单 →“本机记录了我的哪些信息”。',
    'pledge.accept': '我已阅读以上规定，并承诺遵守',
    'pledge.accepting': '正在记录您的确认…',
    'pledge.done': '已确认。谢谢！可以关闭此窗口。',
    'pledge.already': '您已确认过此文本。',
    'pledge.none': '当前策略没有需要确认的保密承诺。',
    'pledge.changed': '此窗口打开期间承诺内容有变，以下是新文本。',
    'pledge.close': '关闭',
  },
};
