/**
 * The Chinese menu bar. Menu items send commands to the renderer, which runs them exactly as its own
 * shortcuts; accelerators are shown but not registered, so each key reaches the page once.
 * Type-only import from electron: this module loads in plain Node.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../renderer/host/bridge';

export interface MenuOptions {
  recent: { index: number; name: string }[];
  send(command: MenuCommand, arg?: number): void;
  devTools: boolean;
}

export function buildMenuTemplate(o: MenuOptions): MenuItemConstructorOptions[] {
  const item = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    ...(accelerator ? { accelerator, registerAccelerator: false } : {}),
    click: () => o.send(command),
  });
  const recent: MenuItemConstructorOptions[] = o.recent.length
    ? o.recent.map((r) => ({ label: `${r.index + 1}  ${r.name}`, click: () => o.send('open-recent', r.index) }))
    : [{ label: '（无）', enabled: false }];
  return [
    {
      label: '文件(&F)',
      submenu: [
        item('新建', 'new', 'CmdOrCtrl+N'),
        item('打开…', 'open', 'CmdOrCtrl+O'),
        { label: '最近打开', submenu: recent },
        { type: 'separator' },
        item('保存', 'save', 'CmdOrCtrl+S'),
        item('另存为…', 'save-as', 'CmdOrCtrl+Shift+S'),
        { type: 'separator' },
        item('导入…', 'import'),
        item('导出…', 'export'),
        { type: 'separator' },
        item('打印…', 'print', 'CmdOrCtrl+P'),
        { type: 'separator' },
        { label: '退出', role: 'quit' },
      ],
    },
    {
      label: '编辑(&E)',
      submenu: [
        item('撤销', 'undo', 'CmdOrCtrl+Z'),
        item('重做', 'redo', 'CmdOrCtrl+Y'),
        { type: 'separator' },
        { label: '剪切', role: 'cut', accelerator: 'CmdOrCtrl+X', registerAccelerator: false },
        { label: '复制', role: 'copy', accelerator: 'CmdOrCtrl+C', registerAccelerator: false },
        { label: '粘贴', role: 'paste', accelerator: 'CmdOrCtrl+V', registerAccelerator: false },
        { type: 'separator' },
        item('查找…', 'find', 'CmdOrCtrl+F'),
        { type: 'separator' },
        item('插入科目行/指标行', 'insert-row'),
        item('删除科目行/指标行', 'delete-row'),
      ],
    },
    {
      label: '视图(&V)',
      submenu: [
        item('放大', 'zoom-in', 'CmdOrCtrl+='),
        item('缩小', 'zoom-out', 'CmdOrCtrl+-'),
        item('实际大小', 'zoom-reset', 'CmdOrCtrl+0'),
        { type: 'separator' },
        item('显示/隐藏审核结果', 'toggle-checks'),
        { type: 'separator' },
        { label: '全屏', role: 'togglefullscreen' },
        ...(o.devTools ? [{ label: '开发者工具', role: 'toggleDevTools' } as MenuItemConstructorOptions] : []),
      ],
    },
    {
      label: '帮助(&H)',
      submenu: [item('关于决算公开助手', 'about')],
    },
  ];
}
