/**
 * The three principles of training, after Chollet's figures 1.7 to 1.9, as one diagram drawn in three
 * steps: (1) weights parameterize the layers, (2) a loss function scores the predictions against the
 * targets, (3) an optimizer turns the loss score into weight updates.
 */
import { arrow, box, label, palette, pathArrow, svgDiagram } from "./svg.mjs";

/** Which principle the diagram shows: 1 (weights), 2 (+ loss), 3 (+ optimizer). */
export type TrainingStep = 1 | 2 | 3;

export function trainingLoop(step: TrainingStep): string {
  const now = (s: TrainingStep) => (s === step ? palette.accent : palette.line);
  const layer = (y: number) => [
    box(150, y, 200, 50, "Layer\n(data transformation)", { fill: palette.fixed, text: { size: 14 } }),
    box(420, y + 5, 110, 40, "Weights", {
      fill: step === 1 ? palette.accentFill : palette.learned,
      stroke: step === 1 ? palette.accent : palette.learnedEdge,
      text: { size: 15, bold: true },
    }),
    arrow(418, y + 25, 352, y + 25, now(1)),
  ];
  const body = [
    box(175, 10, 150, 40, "Input X", { fill: "#ffffff", text: { size: 16 } }),
    arrow(250, 50, 250, 78),
    ...layer(80),
    arrow(250, 130, 250, 158),
    ...layer(160),
    arrow(250, 210, 250, 238),
    box(160, 240, 180, 40, "Predictions Y′", { fill: "#ffffff", text: { size: 16 } }),
  ];
  if (step === 1)
    body.push(label(640, 145, "Goal: find the right\nvalues for these weights", { size: 15, color: palette.accent }));
  if (step >= 2) {
    body.push(
      box(400, 240, 180, 40, "True targets Y", { fill: "#ffffff", text: { size: 16 } }),
      arrow(250, 280, 330, 318, now(2)),
      arrow(490, 280, 410, 318, now(2)),
      box(290, 320, 160, 40, "Loss function", {
        fill: step === 2 ? palette.accentFill : palette.fixed,
        stroke: step === 2 ? palette.accent : palette.fixedEdge,
        text: { size: 16, bold: true },
      }),
      arrow(370, 360, 370, 388, now(2)),
      box(305, 390, 130, 36, "Loss score", { fill: "#ffffff", text: { size: 15 } }),
    );
  }
  if (step === 3) {
    body.push(
      pathArrow("M435,408 L640,408 L640,352", palette.accent),
      box(580, 300, 120, 50, "Optimizer", {
        fill: palette.accentFill,
        stroke: palette.accent,
        text: { size: 16, bold: true },
      }),
      pathArrow("M640,298 L640,185 L532,185", palette.accent),
      pathArrow("M640,185 L640,105 L532,105", palette.accent),
      label(650, 245, "Weight\nupdate", { size: 14, color: palette.accent, anchor: "start" }),
    );
  }
  const titles = {
    1: "A neural network is parameterized by its weights",
    2: "A loss function scores the network's predictions against the true targets",
    3: "The optimizer uses the loss score to update the weights",
  };
  return svgDiagram(740, step === 1 ? 290 : 436, body, titles[step]);
}
